package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.LOOPBACK_PATH;
import static dev.mcpguard.it.Launch.TOKEN;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gates over Tomcat's AJP connector (the demo's {@code --ajp-port}, where the HTTP connector listens, no
 * secret required), spoken by {@link Ajp13} as a web server's connector speaks it. AJP is a relayed connection
 * (§4, 2026-12): each forward request names the client it speaks for, which the gates never believe; the socket's
 * peer is the client, and a relay. AJP carries the query apart from {@code req_uri}, so all of {@code req_uri} is
 * path, a raw {@code ?} or {@code #} included; and AJP fills the request's local address only from the message, so
 * the Host default (§4 Hosts) must take the socket's. The server runs in dev, where a direct loopback client gets
 * the loopback-only page, on loopback, where only loopback {@code Host} names are allowed.
 */
class AjpIT {

    /** The stacks whose demo takes {@code --ajp-port}. */
    private static final Set<String> WITH_AJP = Set.of("tomcat", "tomcat9");

    private static final String PUBLIC_PATH = "/.well-known/oauth-protected-resource";

    @RegisterExtension
    static final DemoServers DEV = DemoServers.of(Launch.standard().with("MCPGUARD_ENV", "dev").serving(Transport.AJP));

    static Stream<Stack> stacks() {
        return Stacks.ALL.stream().filter(stack -> WITH_AJP.contains(stack.name()));
    }

    @BeforeAll
    static void startTheServers() {
        DemoServers.startAll(2, Map.of(DEV, stacks().toList()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void authIsRequiredOverAjp(Stack stack) {
        DemoServer server = DEV.on(stack);

        blocked(server, Ajp13.request("GET", "/health").header("Host", "localhost"), Refusal.MISSING_TOKEN, "GET", "/health");
        blocked(server, Ajp13.request("GET", "/health").header("Host", "localhost").bearer("wrong"),
                Refusal.INVALID_TOKEN, "GET", "/health");
        RawResponse served = passed(server, Ajp13.request("GET", "/health").header("Host", "localhost").bearer(TOKEN));
        assertThat(served.text()).isEqualTo("ok");
    }

    /**
     * Tomcat routes the whole {@code req_uri}: before the gates took it whole, the part before the {@code ?} or
     * {@code #} was judged as the public path while Tomcat served the inspector, or {@code /mcp}, without a token.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void aReqUriWithARawQuestionMarkOrHashIsAllPath(Stack stack) {
        DemoServer server = DEV.on(stack);

        blocked(server, Ajp13.request("GET", PUBLIC_PATH + "?/../../inspector").header("Host", "localhost"),
                Refusal.BAD_PATH, "GET", PUBLIC_PATH + "%3F/../../inspector");
        blocked(server, Ajp13.request("POST", PUBLIC_PATH + "#/../../mcp").header("Host", "localhost")
                        .header("Content-Type", "application/json").header("Content-Length", "0"),
                Refusal.BAD_PATH, "POST", PUBLIC_PATH + "#/../../mcp");
        // The control: the public path itself is still exempt over AJP (the demo serves nothing there).
        RawResponse exempt = passed(server, Ajp13.request("GET", PUBLIC_PATH).query("x=1").header("Host", "localhost"));
        assertThat(exempt.status()).as("status of %s", exempt).isEqualTo(404);
    }

    /** Whatever client the message names, the loopback-only page is refused: the peer is a relay. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void anAjpRequestIsARelayJudgedByItsSocket(Stack stack) {
        DemoServer server = DEV.on(stack);

        for (String claimed : List.of("203.0.113.9", "127.0.0.1")) {
            blocked(server, Ajp13.request("GET", LOOPBACK_PATH).claiming(claimed).header("Host", "localhost").bearer(TOKEN),
                    Refusal.LOOPBACK_ONLY, "GET", LOOPBACK_PATH);
        }
        // The control: the same server gives the page to a direct loopback client over HTTP.
        Exchange direct = server.exchange(Request.get(LOOPBACK_PATH).bearer(TOKEN));
        Expect.passed(direct, 200);
        assertThat(direct.response().text()).contains("Inspector (developers only)");
    }

    /** The socket's local address is loopback, so only loopback Host names pass (AJP's own local address is empty). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void theHostDefaultTakesTheSocketsLocalAddress(Stack stack) {
        DemoServer server = DEV.on(stack);

        blocked(server, Ajp13.request("GET", "/health").header("Host", "evil.example").bearer(TOKEN),
                Refusal.HOST_NOT_ALLOWED, "GET", "/health");
        passed(server, Ajp13.request("GET", "/health").header("Host", "127.0.0.1:8009").bearer(TOKEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void aDeclaredBodyOverTheLimitIsRefusedOverAjp(Stack stack) {
        DemoServer server = DEV.on(stack);
        byte[] tooLarge = Request.filler(Launch.MAX_BODY + 1);
        byte[] small = Request.filler(100);

        blocked(server, upload(tooLarge), Refusal.BODY_TOO_LARGE, "POST", "/upload");
        RawResponse uploaded = passed(server, upload(small));
        assertThat(uploaded.text()).contains("\"bytes\":100");
    }

    private static Ajp13 upload(byte[] body) {
        return Ajp13.request("POST", "/upload").header("Host", "localhost").bearer(TOKEN)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Length", Integer.toString(body.length)).body(body);
    }

    /** Refused (§5), with one {@code blocked} line (§7) naming the socket's peer, never the client AJP claims. */
    private static void blocked(DemoServer server, Ajp13 request, Refusal refusal, String method, String path) {
        int mark = server.mark();

        RawResponse response = request.send(server.ajpPort());

        assertThat(response.text()).as("not the page").doesNotContain("Inspector (developers only)");
        Expect.refusal(response, refusal);
        Expect.onlyLine(server.decisionsSince(mark), "blocked", refusal, method, path, server.stack());
    }

    /** Reached the application, and no gate logged anything. */
    private static RawResponse passed(DemoServer server, Ajp13 request) {
        int mark = server.mark();

        RawResponse response = request.send(server.ajpPort());

        assertThat(response.text()).as("not a refusal: %s", request).doesNotContain("\"jsonrpc\"");
        assertThat(server.decisionsSince(mark)).as("decision lines for %s", request).isEmpty();
        return response;
    }
}
