package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.LOOPBACK_PATH;
import static dev.mcpguard.it.Launch.TOKEN;
import static dev.mcpguard.it.NetworkNamespace.HOST_ADDRESS;
import static dev.mcpguard.it.NetworkNamespace.PEER_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Launch.Transport;
import dev.mcpguard.it.Stacks.Stack;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Relayed connections (§4, 2026-12) by the PROXY protocol, on every stack with PROXY protocol support of its own
 * (the demo's {@code --proxy-protocol}): Jetty 12 and 10 ({@code ProxyConnectionFactory}), Undertow
 * ({@code setUseProxyProtocol}), Netty's {@code HAProxyMessageDecoder} in raw Netty, Reactor Netty
 * ({@code proxyProtocol(ON)}) and Vert.x ({@code setUseProxyProtocol}). Anyone who can connect may send the
 * header: the gates judge the socket's peer, never the address the header claims, and a connection that begins
 * with one is a relay. Every request carries a valid token unless the case says otherwise, so that only the
 * gate under test stands between it and the application.
 */
class ProxyProtocolIT {

    /** The stacks whose demo takes {@code --proxy-protocol}. */
    private static final Set<String> WITH_PROXY_PROTOCOL =
            Set.of("jetty", "jetty10", "undertow", "netty", "netty-aggregated", "reactor", "vertx");

    @RegisterExtension
    static final NetworkNamespace NAMESPACE = new NetworkNamespace();

    /** Dev, on every interface: a direct loopback client would get the page, a remote one must not. */
    @RegisterExtension
    static final DemoServers DEV = DemoServers.of(Launch.standard()
            .with("MCPGUARD_ENV", "dev")
            .with("MCPGUARD_BIND", "0.0.0.0")
            .listeningOn("0.0.0.0")
            .serving(Transport.PROXY));

    /** Prod, the operator vouching for the same-host proxy: loopback relays may have the page. */
    @RegisterExtension
    static final DemoServers TRUSTED = DemoServers.of(Launch.standard()
            .with("MCPGUARD_TRUST_PROD_LOOPBACK", "true")
            .serving(Transport.PROXY));

    enum Version {
        V1 {
            @Override
            byte[] header(String claimed, int port) {
                return ProxyProtocol.v1(claimed, claimed, 5555, port);
            }
        },
        V2 {
            @Override
            byte[] header(String claimed, int port) {
                return ProxyProtocol.v2(claimed, claimed, 5555, port);
            }
        };

        /** A header claiming the connection comes from, and goes to, {@code claimed}. */
        abstract byte[] header(String claimed, int port);
    }

    static List<Stack> stacks() {
        return Stacks.ALL.stream().filter(stack -> WITH_PROXY_PROTOCOL.contains(stack.name())).toList();
    }

    static Stream<Arguments> stacksAndVersions() {
        return stacks().stream().flatMap(stack -> Stream.of(Version.values()).map(version -> Arguments.of(stack, version)));
    }

    /** Two JVMs per stack, started two at a time before the tests rather than one by one as the tests come to them. */
    @BeforeAll
    static void startTheServers() {
        DemoServers.startAll(2, Map.of(DEV, stacks(), TRUSTED, stacks()));
    }

    /** The case: a client at 198.18.0.2 claiming 127.0.0.1 got the page and was logged as 127.0.0.1. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndVersions")
    void aRemotePeerClaimingLoopbackIsJudgedByItsSocket(Stack stack, Version version) {
        DemoServer server = DEV.on(stack);
        Request request = remote(server, LOOPBACK_PATH).bearer(TOKEN);
        int mark = server.mark();

        RawResponse response = fromTheNamespace(server, version.header("127.0.0.1", server.port()), request);

        assertThat(response.text()).as("not the page").doesNotContain("Inspector (developers only)");
        Expect.refusal(response, Refusal.LOOPBACK_ONLY);
        onlyBlockedLine(server, mark, Refusal.LOOPBACK_ONLY, LOOPBACK_PATH, PEER_ADDRESS);
    }

    /** A loopback peer that sends a PROXY header speaks for someone else: a relay, refused the page in dev. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndVersions")
    void aLoopbackPeerSendingAProxyHeaderIsARelay(Stack stack, Version version) {
        DemoServer server = DEV.on(stack);
        int mark = server.mark();

        RawResponse response = fromLoopback(server, version.header("127.0.0.1", server.port()),
                Request.get(LOOPBACK_PATH).bearer(TOKEN));

        assertThat(response.text()).as("not the page").doesNotContain("Inspector (developers only)");
        Expect.refusal(response, Refusal.LOOPBACK_ONLY);
        onlyBlockedLine(server, mark, Refusal.LOOPBACK_ONLY, LOOPBACK_PATH, Expect.CLIENT);
    }

    /** With {@code MCPGUARD_TRUST_PROD_LOOPBACK} the operator vouches for the same-host relay: it gets the page. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndVersions")
    void aTrustedLoopbackRelayIsServed(Stack stack, Version version) {
        DemoServer server = TRUSTED.on(stack);
        int mark = server.mark();

        RawResponse response = fromLoopback(server, version.header("203.0.113.9", server.port()),
                Request.get(LOOPBACK_PATH).bearer(TOKEN));

        assertThat(response.status()).as("status of %s", response).isEqualTo(200);
        assertThat(response.text()).contains("Inspector (developers only)");
        assertThat(server.decisionsSince(mark)).as("decision lines").isEmpty();
    }

    /** Other requests go through the PROXY protocol as ever, gated as ever, logged with the socket's peer. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndVersions")
    void ordinaryRequestsAreServedAndGatedThroughTheProxyProtocol(Stack stack, Version version) {
        DemoServer server = DEV.on(stack);
        byte[] header = version.header("127.0.0.1", server.port());
        int mark = server.mark();

        RawResponse served = fromTheNamespace(server, header, remote(server, "/health").bearer(TOKEN));
        RawResponse fromLoopback = fromLoopback(server, header, Request.get("/health").bearer(TOKEN));

        assertThat(served.status()).as("status of %s", served).isEqualTo(200);
        assertThat(served.text()).isEqualTo("ok");
        assertThat(fromLoopback.status()).as("status of %s", fromLoopback).isEqualTo(200);
        assertThat(server.decisionsSince(mark)).as("decision lines").isEmpty();

        mark = server.mark();
        RawResponse refused = fromTheNamespace(server, header, remote(server, "/health"));

        Expect.refusal(refused, Refusal.MISSING_TOKEN);
        onlyBlockedLine(server, mark, Refusal.MISSING_TOKEN, "/health", PEER_ADDRESS);
    }

    /** Addressed as a client on the namespace side addresses the server. */
    private static Request remote(DemoServer server, String target) {
        return Request.get(target).host(HOST_ADDRESS + ":" + server.port());
    }

    private static RawResponse fromTheNamespace(DemoServer server, byte[] header, Request request) {
        return NAMESPACE.peer().send(HOST_ADDRESS, server.port(),
                ProxyProtocol.before(header, request.bytes(server.port())), request).response();
    }

    private static RawResponse fromLoopback(DemoServer server, byte[] header, Request request) {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(ProxyProtocol.before(header, request.bytes(server.port())));
            return http.readResponse();
        }
    }

    /** One {@code blocked} line (§7) for a GET, naming the socket's peer as the client. */
    private static void onlyBlockedLine(DemoServer server, int mark, Refusal refusal, String path, String client) {
        List<Decision> decisions = server.decisionsSince(mark);
        assertThat(decisions).as("decision lines").hasSize(1);
        Expect.line(decisions.get(0), "blocked", refusal, "GET", path, client, server.stack());
    }
}
