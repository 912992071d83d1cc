package dev.mcpguard.undertow;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Undertow 2 (core handlers and its servlet container alike): gates in
 * {@code Connectors.executeRootHandler}, where every exchange enters the handler chain, HTTP/2
 * streams included.
 */
public final class UndertowInstrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.undertow.";

    @Override
    public String family() {
        return UndertowGate.STACK;
    }

    @Override
    public List<String> listenerPackages() {
        return List.of("io.undertow.");
    }

    @Override
    public String supportedVersions() {
        return "Undertow 2.2 – 2.3";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "UndertowGate", PACKAGE + "UndertowRequestView", PACKAGE + "BodyLimitConduit",
                PACKAGE + "BodyLimitConduit$Wrapper",
                PACKAGE + "UndertowSockets", PACKAGE + "UndertowSockets$Unwrapper", PACKAGE + "UndertowSockets$Http2Transport");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("io.undertow.server.Connectors",
                        named("executeRootHandler").and(isStatic()).and(takesArguments(2))
                                .and(takesArgument(1, named("io.undertow.server.HttpServerExchange"))),
                        PACKAGE + "RootHandlerAdvice"),
                // Where the body meter is added, outermost: the application reads what it counts.
                new Hook("io.undertow.server.HttpServerExchange", named("getRequestChannel").and(takesArguments(0)),
                        PACKAGE + "RequestChannelAdvice"),
                // Runs an h2c upgrade's first request again as stream 1 (through executeRootHandler).
                new Hook("io.undertow.server.protocol.http2.Http2ReceiveListener",
                        named("handleInitialRequest").and(takesArguments(3))
                                .and(takesArgument(0, named("io.undertow.server.HttpServerExchange"))),
                        PACKAGE + "UpgradedRequestAdvice"));
    }
}
