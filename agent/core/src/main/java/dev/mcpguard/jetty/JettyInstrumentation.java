package dev.mcpguard.jetty;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Jetty 12 (core API, so every servlet environment on it): gates in {@code Server.handle}, and
 * counts a body {@code GzipHandler} inflates as its {@code GzipRequest} hands it on.
 */
public final class JettyInstrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.jetty.";

    @Override
    public String family() {
        return JettyGate.STACK;
    }

    @Override
    public List<String> listenerPackages() {
        return List.of("org.eclipse.jetty.");
    }

    @Override
    public String supportedVersions() {
        return "Jetty 12.0 – 12.1";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "JettyGate", PACKAGE + "JettyRequestView", PACKAGE + "BodyLimitedRequest",
                PACKAGE + "SocketEndPoints");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("org.eclipse.jetty.server.Server",
                named("handle").and(isPublic()).and(takesArguments(3))
                        .and(takesArgument(0, named("org.eclipse.jetty.server.Request")))
                        .and(takesArgument(1, named("org.eclipse.jetty.server.Response")))
                        .and(takesArgument(2, named("org.eclipse.jetty.util.Callback")))
                        .and(returns(boolean.class)),
                PACKAGE + "ServerHandleAdvice"),
                // GzipHandler with request inflation on (inflateBufferSize > 0) reads the body through it.
                new Hook("org.eclipse.jetty.server.handler.gzip.GzipRequest",
                        named("read").and(isPublic()).and(takesArguments(0))
                                .and(returns(named("org.eclipse.jetty.io.Content$Chunk"))),
                        PACKAGE + "InflatedReadAdvice"));
    }
}
