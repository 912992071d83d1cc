package dev.mcpguard.jdkhttp;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * The JDK's {@code com.sun.net.httpserver} (module jdk.httpserver): the gate filter is first in
 * every context's filters each time the server builds an exchange's chain, HTTP and HTTPS servers
 * alike; a request no context matches runs through a fallback context that holds the gate too, so
 * the gates answer before the server's own 404.
 */
public final class JdkHttpInstrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.jdkhttp.";

    @Override
    public String family() {
        return JdkHttpGate.STACK;
    }

    @Override
    public List<String> listenerPackages() {
        return List.of("sun.net.httpserver.");
    }

    @Override
    public String supportedVersions() {
        return "the JDK's com.sun.net.httpserver, Java 17 and later";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "GatePlacement", PACKAGE + "JdkHttpGate", PACKAGE + "JdkHttpRequestView",
                PACKAGE + "BodyLimitedInputStream", PACKAGE + "UnreadBody", PACKAGE + "NoContext",
                PACKAGE + "NoContext$NotFound");
    }

    /**
     * For {@link UnreadBody}: the exchange's socket, which the public API does not expose; for
     * {@link NoContext}: the context constructor.
     */
    @Override
    public List<String> packagesOpenedToHelpers() {
        return List.of("sun.net.httpserver");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                new Hook("sun.net.httpserver.HttpContextImpl", named("getFilters").and(isPublic()), PACKAGE + "FiltersAdvice"),
                new Hook("sun.net.httpserver.ServerImpl", isConstructor(), PACKAGE + "ServerCreatedAdvice"),
                new Hook("sun.net.httpserver.ContextList",
                        named("findContext").and(takesArguments(String.class, String.class)), PACKAGE + "FindContextAdvice"));
    }
}
