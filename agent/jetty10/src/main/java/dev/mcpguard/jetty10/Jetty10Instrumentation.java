package dev.mcpguard.jetty10;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Jetty 9.4, 10 and 11 (javax or jakarta servlets alike): gates in {@code Server.handle(HttpChannel)},
 * which Jetty 12 no longer has, so the two Jetty adapters never both match.
 */
public final class Jetty10Instrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.jetty10.";

    @Override
    public String family() {
        return Jetty10Gate.STACK;
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "Jetty10Gate", PACKAGE + "Jetty10RequestView", PACKAGE + "BodyLimitInterceptor",
                "dev.mcpguard.jetty.SocketEndPoints");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("org.eclipse.jetty.server.Server",
                named("handle").and(isPublic()).and(takesArguments(1))
                        .and(takesArgument(0, named("org.eclipse.jetty.server.HttpChannel"))),
                PACKAGE + "ServerHandleAdvice"));
    }
}
