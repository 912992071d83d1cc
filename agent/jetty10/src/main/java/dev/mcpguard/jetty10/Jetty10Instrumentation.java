package dev.mcpguard.jetty10;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Jetty 10 and 11 (javax or jakarta servlets alike): gates in {@code Server.handle(HttpChannel)},
 * which Jetty 12 no longer has, so the two Jetty adapters never both match. Jetty 9.4 has it
 * too, but the gate does not link against 9.4: there the same method refuses every request.
 */
public final class Jetty10Instrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.jetty10.";

    @Override
    public String family() {
        return Jetty10Gate.STACK;
    }

    @Override
    public List<String> listenerPackages() {
        return List.of("org.eclipse.jetty.");
    }

    @Override
    public String supportedVersions() {
        return "Jetty 10.0 – 11.0";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "Jetty10Gate", PACKAGE + "Jetty10RequestView", PACKAGE + "BodyLimitInterceptor",
                PACKAGE + "InflatedBodyMeter",
                PACKAGE + "Jetty10Refusal", "dev.mcpguard.jetty.SocketEndPoints");
    }

    /** Jetty 9.4 (whose {@code HttpURI} is a class, not an interface) is refused with these. */
    @Override
    public List<String> refusalHelperClassNames() {
        return List.of(PACKAGE + "Jetty10Refusal");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("org.eclipse.jetty.server.Server",
                named("handle").and(isPublic()).and(takesArguments(1))
                        .and(takesArgument(0, named("org.eclipse.jetty.server.HttpChannel"))),
                PACKAGE + "ServerHandleAdvice", PACKAGE + "UnfitServerHandleAdvice"),
                // GzipHandler with inflateBufferSize > 0 adds its inflater here, after the body's count.
                new Hook("org.eclipse.jetty.server.HttpInput",
                        named("addInterceptor").and(isPublic()).and(takesArguments(1))
                                .and(takesArgument(0, named("org.eclipse.jetty.server.HttpInput$Interceptor"))),
                        PACKAGE + "AddInterceptorAdvice", PACKAGE + "UnfitAddInterceptorAdvice"));
    }
}
