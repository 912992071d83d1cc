package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.LOOPBACK_PATH;
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
 * LOOPBACK gate (§4 row 2), enforcing, with {@code /inspector} loopback-only. Every request carries a valid
 * token, so that a response other than 403 can only come from the gate letting it through.
 */
class LoopbackGateIT {

    @RegisterExtension
    static final DemoServers PROD = DemoServers.of(Launch.standard());

    @RegisterExtension
    static final DemoServers DEV = DemoServers.of(Launch.standard().with("MCPGUARD_ENV", "dev"));

    @RegisterExtension
    static final DemoServers TRUSTED_PROD = DemoServers.of(Launch.standard().with("MCPGUARD_TRUST_PROD_LOOPBACK", "1"));

    /** The servers' own forwarded-header handling is on: they believe {@code X-Forwarded-For}. */
    @RegisterExtension
    static final DemoServers FORWARDED_PROD = DemoServers.of(Launch.standard().trustingForwardedHeaders());

    @RegisterExtension
    static final DemoServers FORWARDED_DEV = DemoServers.of(Launch.standard().with("MCPGUARD_ENV", "dev").trustingForwardedHeaders());

    @RegisterExtension
    static final DemoServers FORWARDED_TRUSTED_PROD = DemoServers.of(
            Launch.standard().with("MCPGUARD_TRUST_PROD_LOOPBACK", "1").trustingForwardedHeaders());

    /** An address no test connects from: seeing it on the page proves the server believed the header. */
    private static final String SPOOFED = "203.0.113.9";

    /**
     * Spellings of {@code /inspector} that normalize to it, all restricted (prefixes ignore case), and dot
     * segments, which routers disagree on and the PATH gate refuses first (§4, 2026-12).
     */
    static Stream<Arguments> inspectorSpellings() {
        return Stacks.times(List.of(
                new Spelling("/inspector", "/inspector"),
                new Spelling("/INSPECTOR", "/INSPECTOR"),
                new Spelling("/inspector/", "/inspector"),
                new Spelling("//inspector", "/inspector"),
                new Spelling("/./inspector", "/./inspector", Refusal.BAD_PATH),
                new Spelling("/x/../inspector", "/x/../inspector", Refusal.BAD_PATH),
                new Spelling("/inspector/..;/health", "/inspector/..;/health", Refusal.BAD_PATH),
                new Spelling("/inspector;jsessionid=1", "/inspector"),
                new Spelling("/%69nspector", "/inspector"),
                new Spelling("/inspector/sub?q=1", "/inspector/sub")));
    }

    /**
     * A spelling and the path the decision line shows. Some servers refuse some spellings themselves, before the
     * agent's hook (Jetty: {@code //inspector} as an ambiguous empty segment; the JDK: those no context matches),
     * see each stack's {@link Stack#ownRefusals()}.
     */
    record Spelling(String target, String normalized, Refusal refusal) {
        Spelling(String target, String normalized) {
            this(target, normalized, Refusal.LOOPBACK_ONLY);
        }

        @Override
        public String toString() {
            return target;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("inspectorSpellings")
    void prodRefusesEvenLoopbackPeers(Stack stack, Spelling spelling) {
        Exchange ex = PROD.on(stack).exchange(Request.get(spelling.target()).bearer(TOKEN));

        if (stack.readsDoubleSlashAsAuthority() && spelling.target().startsWith("//")) {
            Expect.blocked(ex, Refusal.BAD_PATH, "GET", "");
        } else {
            Expect.blockedUnlessTheStackRefusesItself(ex, spelling.target(), spelling.refusal(), "GET", spelling.normalized());
        }
    }

    @OnEachStack
    void aPathThatOnlySharesTheTextOfThePrefixIsNotUnderIt(Stack stack) {
        Exchange ex = PROD.on(stack).exchange(Request.get(LOOPBACK_PATH + "x").bearer(TOKEN));

        if (stack == Stacks.JDK) {
            // The JDK server picks a context by plain string prefix: /inspectorx runs the /inspector
            // handler, so the agent keeps it loopback-only.
            Expect.blocked(ex, Refusal.LOOPBACK_ONLY, "GET", LOOPBACK_PATH + "x");
        } else {
            // The application has no such page, and the gate does not count /inspectorx as under
            // /inspector (§4): what the server routes it to is a 404.
            Expect.passed(ex, 404);
        }
    }

    @OnEachStack
    void devServesLoopbackPeers(Stack stack) {
        Exchange ex = DEV.on(stack).exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN));

        Expect.passed(ex, 200);
    }

    /** Headers that make a loopback peer a relay (§4), present even when empty. */
    static Stream<Arguments> relayHeaders() {
        return Stacks.times(List.of(
                new RelayHeader("X-Forwarded-For", SPOOFED),
                new RelayHeader("X-Forwarded-For", ""),
                new RelayHeader("X-Forwarded-Host", "app.example"),
                new RelayHeader("X-Forwarded-Host", ""),
                new RelayHeader("X-Forwarded-Proto", "https"),
                new RelayHeader("Forwarded", "for=" + SPOOFED),
                new RelayHeader("Via", "1.1 proxy"),
                new RelayHeader("X-Real-IP", SPOOFED)));
    }

    record RelayHeader(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("relayHeaders")
    void devRefusesALoopbackPeerThatRelaysForSomeoneElse(Stack stack, RelayHeader relay) {
        Exchange ex = DEV.on(stack).exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN).header(relay.name(), relay.value()));

        Expect.blocked(ex, Refusal.LOOPBACK_ONLY, "GET", LOOPBACK_PATH);
    }

    @OnEachStack
    void trustingProdLoopbackServesLoopbackPeersAndRelaysAndSaysSoAtStart(Stack stack) {
        DemoServer server = TRUSTED_PROD.on(stack);

        Expect.passed(server.exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN)), 200);
        Expect.passed(server.exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN).header("X-Forwarded-For", SPOOFED)), 200);
        server.awaitStderrLine("WARN", "MCPGUARD_TRUST_PROD_LOOPBACK");
    }

    /**
     * The forwarded-header tests below run with {@code --trust-forwarded} on every stack: where the server has no
     * such feature ({@link Stack#forwardedHeaders()} false: raw Netty, the JDK) the flag changes nothing, and the
     * gates answer exactly the same.
     */
    @OnEachStack
    void prodRefusesASpoofedLoopbackForwardedForAndStillServesOtherPaths(Stack stack) {
        DemoServer server = FORWARDED_PROD.on(stack);

        Exchange spoofed = server.exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN).header("X-Forwarded-For", "127.0.0.1"));
        Expect.blocked(spoofed, Refusal.LOOPBACK_ONLY, "GET", LOOPBACK_PATH);

        Exchange health = server.exchange(Request.get("/health").bearer(TOKEN).header("X-Forwarded-For", "127.0.0.1"));
        Expect.passed(health, 200);
        assertThat(health.response().text()).isEqualTo("ok");
    }

    @OnEachStack
    void devRefusesASpoofedForwardedForThatTheServerItselfBelieves(Stack stack) {
        DemoServer server = FORWARDED_DEV.on(stack);

        Exchange direct = server.exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN));
        Expect.passed(direct, 200);
        assertThat(direct.response().text()).contains("remote=127.0.0.1");

        // a loopback peer speaking for someone else is a relay, whatever address it names
        for (String forwardedFor : List.of(SPOOFED, "127.0.0.1")) {
            Exchange spoofed = server.exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN).header("X-Forwarded-For", forwardedFor));
            Expect.blocked(spoofed, Refusal.LOOPBACK_ONLY, "GET", LOOPBACK_PATH);
        }
    }

    /**
     * Where the server has a forwarded-header feature it really rewrites the remote address (the page shows the
     * spoofed one), so the refusals above prove the gate judged the TCP peer, not what the server made of the
     * headers: a gate that asked the server would have seen {@value #SPOOFED}, not a loopback peer, and refused
     * here. Where it has none, the page shows the TCP peer: the flag changed nothing.
     */
    @OnEachStack
    void theGateJudgesTheTcpPeerNotTheAddressTheServerDerivedFromHeaders(Stack stack) {
        Exchange ex = FORWARDED_TRUSTED_PROD.on(stack).exchange(
                Request.get(LOOPBACK_PATH).bearer(TOKEN).header("X-Forwarded-For", SPOOFED));

        Expect.passed(ex, 200);
        assertThat(ex.response().text()).contains("remote=" + (stack.forwardedHeaders() ? SPOOFED : Expect.CLIENT));
    }
}
