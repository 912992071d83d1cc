package dev.mcpguard.tomcat;

import static net.bytebuddy.matcher.ElementMatchers.isProtected;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Tomcat (Coyote connector, any servlet namespace): gates in {@code CoyoteAdapter.postParseRequest}
 * and counts streamed bodies in Coyote's {@code Request.doRead}; notes each AJP request's socket in
 * {@code AjpProcessor.prepareRequest}.
 */
public final class TomcatInstrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.tomcat.";

    @Override
    public String family() {
        return TomcatGate.STACK;
    }

    /** Catalina's too: it opens the shutdown port. */
    @Override
    public List<String> listenerPackages() {
        return List.of("org.apache.catalina.", "org.apache.coyote.", "org.apache.tomcat.");
    }

    @Override
    public String supportedVersions() {
        return "Tomcat 9.0 – 11.0";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "TomcatGate", PACKAGE + "TomcatRequestView");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                new Hook("org.apache.catalina.connector.CoyoteAdapter",
                        named("postParseRequest").and(isProtected()).and(takesArguments(4))
                                .and(takesArgument(0, named("org.apache.coyote.Request")))
                                .and(takesArgument(3, named("org.apache.catalina.connector.Response")))
                                .and(returns(boolean.class)),
                        PACKAGE + "PostParseAdvice"),
                new Hook("org.apache.catalina.connector.CoyoteAdapter",
                        named("service").and(isPublic()).and(takesArguments(2))
                                .and(takesArgument(0, named("org.apache.coyote.Request"))),
                        Hook.REQUEST_SCOPE),
                new Hook("org.apache.coyote.Request",
                        named("doRead").and(isPublic()).and(takesArguments(1)).and(returns(int.class)),
                        PACKAGE + "BodyReadAdvice"),
                new Hook("org.apache.coyote.ajp.AjpProcessor",
                        named("prepareRequest").and(takesArguments(0)).and(returns(void.class)),
                        PACKAGE + "AjpRequestAdvice"));
    }
}
