package dev.mcpguard.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * The JDK's {@code com.sun.net.httpserver} (module jdk.httpserver): the gate filter goes first in
 * every context, HTTP and HTTPS servers alike, when the context's filters are first used.
 */
public final class JdkHttpServerInstrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.jdkhttp.";

    @Override
    public String family() {
        return GateFilter.STACK;
    }

    @Override
    public String supportedVersions() {
        return "the JDK's com.sun.net.httpserver, Java 17 and later";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "JdkHttpServerGate", PACKAGE + "GateFilter", PACKAGE + "JdkRequestView",
                PACKAGE + "BodyLimitedInputStream", PACKAGE + "UnreadBody");
    }

    /** For {@link UnreadBody}: the exchange's socket, which the public API does not expose. */
    @Override
    public List<String> packagesOpenedToHelpers() {
        return List.of("sun.net.httpserver");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("sun.net.httpserver.HttpContextImpl",
                named("getFilters").and(isPublic()), PACKAGE + "FiltersAdvice"));
    }
}
