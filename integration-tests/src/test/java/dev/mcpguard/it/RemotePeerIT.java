package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.LOOPBACK_PATH;
import static dev.mcpguard.it.Launch.TOKEN;
import static dev.mcpguard.it.NetworkNamespace.HOST_ADDRESS;
import static dev.mcpguard.it.NetworkNamespace.PEER_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LOOPBACK gate (§4 row 2) against a peer that really is not loopback: requests come from
 * {@value NetworkNamespace#PEER_ADDRESS}, inside a {@link NetworkNamespace}, to a server listening on every
 * interface (the BIND gate told to allow it) with {@code MCPGUARD_ENV=dev}, where a direct loopback peer is
 * served {@code /inspector}. Every request carries a valid token, so that only the LOOPBACK gate stands between
 * it and the page.
 *
 * <p>The loopback side of the gate (dev serves, prod refuses, trusted prod serves, relays) is in
 * {@link LoopbackGateIT}; the ORIGIN/Host gate on a loopback listener (foreign origins and {@code null} refused,
 * loopback origins with any port allowed, {@code Host: evil.example} 421) is in {@link OriginHostGateIT}.
 */
class RemotePeerIT {

    @RegisterExtension
    static final NetworkNamespace NAMESPACE = new NetworkNamespace();

    /** Dev, listening on every interface: a loopback peer gets the page, a remote one must not. */
    private static final Launch WIDE_DEV = Launch.standard()
            .with("MCPGUARD_ENV", "dev")
            .with("MCPGUARD_BIND", "0.0.0.0")
            .listeningOn("0.0.0.0");

    @RegisterExtension
    static final DemoServers WIDE = DemoServers.of(WIDE_DEV);

    /** The same with the server's own forwarded-header handling on: the server believes the spoofs. */
    @RegisterExtension
    static final DemoServers WIDE_FORWARDED = DemoServers.of(WIDE_DEV.trustingForwardedHeaders());

    /** What a remote peer may claim to pass for loopback. */
    record Spoof(String description, UnaryOperator<Request> apply) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static final List<Spoof> SPOOFS = List.of(
            new Spoof("no claim", request -> request),
            new Spoof("X-Forwarded-For: 127.0.0.1", request -> request.header("X-Forwarded-For", "127.0.0.1")),
            new Spoof("Forwarded: for=127.0.0.1", request -> request.header("Forwarded", "for=127.0.0.1")),
            new Spoof("X-Real-IP: 127.0.0.1", request -> request.header("X-Real-IP", "127.0.0.1")),
            new Spoof("Host: localhost", request -> request.host("localhost")),
            new Spoof("all of them", request -> request.host("localhost").header("X-Forwarded-For", "127.0.0.1")
                    .header("Forwarded", "for=127.0.0.1").header("X-Real-IP", "127.0.0.1")));

    static Stream<Arguments> spoofs() {
        return Stacks.times(SPOOFS);
    }

    /** Only the stacks where {@code --trust-forwarded} turns a forwarded-header feature on; elsewhere it changes nothing. */
    static Stream<Arguments> spoofsOnStacksThatBelieveForwardedHeaders() {
        return Stacks.all().filter(Stack::forwardedHeaders).flatMap(stack -> SPOOFS.stream().map(spoof -> Arguments.of(stack, spoof)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("spoofs")
    void aRemotePeerIsRefusedTheLoopbackPathWhateverItClaims(Stack stack, Spoof spoof) {
        DemoServer server = WIDE.on(stack);

        remoteRequestIsBlocked(server, spoof.apply().apply(remote(server, LOOPBACK_PATH)), LOOPBACK_PATH);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("spoofsOnStacksThatBelieveForwardedHeaders")
    void aRemotePeerIsRefusedTheLoopbackPathEvenWhenTheServerBelievesItsForwardedHeaders(Stack stack, Spoof spoof) {
        DemoServer server = WIDE_FORWARDED.on(stack);

        remoteRequestIsBlocked(server, spoof.apply().apply(remote(server, LOOPBACK_PATH)), LOOPBACK_PATH);
    }

    /** The control for the refusals above: the same servers serve the page to a direct loopback peer. */
    @OnEachStack
    void theSameServersServeTheLoopbackPathToALoopbackPeer(Stack stack) {
        List<DemoServers> configurations = stack.forwardedHeaders() ? List.of(WIDE, WIDE_FORWARDED) : List.of(WIDE);
        for (DemoServers servers : configurations) {
            Exchange ex = servers.on(stack).exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN));

            Expect.passed(ex, 200);
            assertThat(ex.response().text()).contains("Inspector (developers only)", "remote=127.0.0.1");
        }
    }

    /**
     * Other paths are served to the remote peer, with any {@code Host}: the connection's local address is
     * {@value NetworkNamespace#HOST_ADDRESS}, not loopback, so the default Host allow-list allows any host (§4).
     */
    @OnEachStack
    void aRemotePeerIsServedOtherPathsWithAnyHost(Stack stack) {
        DemoServer server = WIDE.on(stack);
        for (Request request : List.of(remote(server, "/health"), remote(server, "/health").host("evil.example"))) {
            int mark = server.mark();

            RawResponse response = NAMESPACE.peer().send(HOST_ADDRESS, server.port(), request).response();

            assertThat(response.status()).as("status of %s for %s", response, request).isEqualTo(200);
            assertThat(response.text()).isEqualTo("ok");
            assertThat(server.decisionsSince(mark)).as("decision lines").isEmpty();
        }
    }

    /** Spellings of {@code /inspector} that a server might route to the page and a naive prefix check would miss. */
    static Stream<Arguments> pathTricks() {
        return Stacks.times(List.of(
                new Trick("/INSPECTOR", "/INSPECTOR"),
                new Trick("//inspector", LOOPBACK_PATH),
                new Trick("/./inspector", "/./inspector", Refusal.BAD_PATH),
                new Trick("/x/../inspector", "/x/../inspector", Refusal.BAD_PATH),
                new Trick("/inspector/../health", "/inspector/../health", Refusal.BAD_PATH),
                new Trick("/inspector%3B/x", "/inspector%3B/x", Refusal.BAD_PATH),
                new Trick("/inspector;a=b", LOOPBACK_PATH),
                new Trick("/%69nspector", LOOPBACK_PATH),
                new Trick("/inspector/", LOOPBACK_PATH)));
    }

    /** A target and the normalized path the decision line shows. */
    record Trick(String target, String normalized, Refusal refusal) {
        Trick(String target, String normalized) {
            this(target, normalized, Refusal.LOOPBACK_ONLY);
        }

        @Override
        public String toString() {
            return target;
        }
    }

    /**
     * Refused by the gate, or by the server itself before the agent's hook where the stack's profile says so
     * ({@link Stack#ownRefusals()}: Jetty's ambiguous {@code //}, the JDK's context matching); never the page.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathTricks")
    void pathTricksFromARemotePeerNeverReachTheLoopbackPath(Stack stack, Trick trick) {
        DemoServer server = WIDE.on(stack);
        Request request = remote(server, trick.target());
        var own = stack.refusesItself(trick.target());
        if (own.isPresent()) {
            int mark = server.mark();
            RawResponse response = NAMESPACE.peer().send(HOST_ADDRESS, server.port(), request).response();

            assertThat(response.status()).as("status of %s", response).isEqualTo(own.getAsInt());
            assertThat(response.text()).as("not the page").doesNotContain("Inspector (developers only)");
            assertThat(server.decisionsSince(mark)).as("decision lines").isEmpty();
        } else {
            boolean authority = stack.readsDoubleSlashAsAuthority() && trick.target().startsWith("//");
            remoteRequestIsBlocked(server, request, authority ? "" : trick.normalized(), authority ? Refusal.BAD_PATH : trick.refusal());
        }
    }

    /** A GET with the token, addressed like a client on the namespace side would address the server. */
    private static Request remote(DemoServer server, String target) {
        return Request.get(target).bearer(TOKEN).host(HOST_ADDRESS + ":" + server.port());
    }

    /**
     * Sends {@code request} from the namespace: refused 403 {@code loopback_only} (§5), with one {@code blocked}
     * line whose {@code client.address} is the namespace's address (§7).
     */
    private static void remoteRequestIsBlocked(DemoServer server, Request request, String path) {
        remoteRequestIsBlocked(server, request, path, Refusal.LOOPBACK_ONLY);
    }

    private static void remoteRequestIsBlocked(DemoServer server, Request request, String path, Refusal refusal) {
        int mark = server.mark();

        RawResponse response = NAMESPACE.peer().send(HOST_ADDRESS, server.port(), request).response();

        assertThat(response.text()).as("not the page").doesNotContain("Inspector (developers only)");
        Expect.refusal(response, refusal);
        List<Decision> decisions = server.decisionsSince(mark);
        assertThat(decisions).as("decision lines").hasSize(1);
        Expect.line(decisions.get(0), "blocked", refusal, "GET", path, PEER_ADDRESS, server.stack());
    }
}
