package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ORIGIN gate (§4 row 3), enforcing: {@code Origin} against DNS rebinding (403), then {@code Host} (421).
 * Requests go to {@code /health} with a valid token, which the application answers 200.
 */
class OriginHostGateIT {

    private static final String PATH = "/health";

    @RegisterExtension
    static final DemoServers DEFAULTS = DemoServers.of(Launch.standard());

    @RegisterExtension
    static final DemoServers APP_ORIGIN = DemoServers.of(Launch.standard().with("MCPGUARD_ALLOWED_ORIGINS", "https://app.example"));

    @RegisterExtension
    static final DemoServers ANY_ORIGIN = DemoServers.of(Launch.standard().with("MCPGUARD_ALLOWED_ORIGINS", "*"));

    @RegisterExtension
    static final DemoServers EVIL_HOST = DemoServers.of(Launch.standard().with("MCPGUARD_ALLOWED_HOSTS", "evil.example"));

    static Stream<Arguments> foreignOrigins() {
        return Stacks.times(List.of("http://evil.example", "null", "http://localhost.evil.example"));
    }

    @ParameterizedTest(name = "{0} Origin: {1}")
    @MethodSource("foreignOrigins")
    void refusesAForeignOrigin(Stack stack, String origin) {
        Exchange ex = DEFAULTS.on(stack).exchange(health().header("Origin", origin));

        Expect.blocked(ex, Refusal.ORIGIN_NOT_ALLOWED, "GET", PATH);
    }

    static Stream<Arguments> loopbackOrigins() {
        return Stacks.times(List.of("http://localhost:1234", "https://127.0.0.1", "http://[::1]:9"));
    }

    @ParameterizedTest(name = "{0} Origin: {1}")
    @MethodSource("loopbackOrigins")
    void allowsLoopbackOriginsByDefault(Stack stack, String origin) {
        Expect.passed(DEFAULTS.on(stack).exchange(health().header("Origin", origin)), 200);
    }

    @OnEachStack
    void refusesAForeignHostAndSaysHowToAllowIt(Stack stack) {
        Exchange ex = DEFAULTS.on(stack).exchange(health().host("evil.example"));

        Expect.blocked(ex, Refusal.HOST_NOT_ALLOWED, "GET", PATH);
        assertThat(ex.decisions().get(0).line()).contains("MCPGUARD_ALLOWED_HOSTS");
    }

    /**
     * An absolute-form target names the host the server acts on; HTTP/1.0 needs no {@code Host} line beside it, so
     * the gate must read the target's authority (Jetty, Undertow and the JDK server serve it as they read it).
     */
    @OnEachStack
    void refusesAForeignHostNamedByAnAbsoluteFormTarget(Stack stack) {
        DemoServer server = DEFAULTS.on(stack);

        Exchange foreign = server.exchange(Request.get("http://evil.example" + PATH).bearer(TOKEN).http10WithoutHost());
        Expect.blocked(foreign, Refusal.HOST_NOT_ALLOWED, "GET", PATH);
        Exchange local = server.exchange(Request.get("http://localhost:" + server.port() + PATH).bearer(TOKEN)
                .http10WithoutHost());
        assertThat(local.decisions()).as("decision lines").isEmpty();
        // The raw Netty demos route on the target as sent, so the application answers it 404.
        assertThat(local.response().status()).as("the application's answer to %s", local.response()).isIn(200, 404);
    }

    @OnEachStack
    void checksOriginBeforeHost(Stack stack) {
        Exchange ex = DEFAULTS.on(stack).exchange(health().host("evil.example").header("Origin", "http://evil.example"));

        Expect.blocked(ex, Refusal.ORIGIN_NOT_ALLOWED, "GET", PATH);
    }

    static Stream<Arguments> loopbackHosts() {
        return Stacks.times(List.of("LOCALHOST:8080", "localhost", "127.0.0.1", "[::1]:80"));
    }

    @ParameterizedTest(name = "{0} Host: {1}")
    @MethodSource("loopbackHosts")
    void allowsLoopbackHostsInAnyCaseAndWithAnyPort(Stack stack, String host) {
        Expect.passed(DEFAULTS.on(stack).exchange(health().host(host)), 200);
    }

    @OnEachStack
    void allowedOriginsAllowExactlyTheConfiguredOrigin(Stack stack) {
        DemoServer server = APP_ORIGIN.on(stack);

        Expect.passed(server.exchange(health().header("Origin", "https://app.example")), 200);
        for (String other : List.of("http://app.example", "https://app.example.evil", "http://localhost:1234")) {
            Expect.blocked(server.exchange(health().header("Origin", other)), Refusal.ORIGIN_NOT_ALLOWED, "GET", PATH);
        }
    }

    @OnEachStack
    void aWildcardAllowsAnyOriginButNull(Stack stack) {
        DemoServer server = ANY_ORIGIN.on(stack);

        Expect.passed(server.exchange(health().header("Origin", "http://evil.example")), 200);
        Expect.blocked(server.exchange(health().header("Origin", "null")), Refusal.ORIGIN_NOT_ALLOWED, "GET", PATH);
    }

    @OnEachStack
    void allowedHostsAllowTheConfiguredHost(Stack stack) {
        DemoServer server = EVIL_HOST.on(stack);

        Expect.passed(server.exchange(health().host("evil.example")), 200);
        Expect.passed(server.exchange(health().host("evil.example:8080")), 200);
        Expect.blocked(server.exchange(health().host("other.example")), Refusal.HOST_NOT_ALLOWED, "GET", PATH);
    }

    private static Request health() {
        return Request.get(PATH).bearer(TOKEN);
    }
}
