package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.MAX_BODY;
import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BODY gate (§4 row 5), enforcing, with a 1 KiB limit. {@code POST /upload} reads the body to its end and
 * answers {@code {"bytes":N}}, so any body the application got in full would show in the answer.
 */
class BodyGateIT {

    private static final String PATH = "/upload";

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.of(Launch.standard());

    static Stream<Arguments> declaredLengthsOverTheLimit() {
        return Stacks.times(List.of("1025", "01025")); // leading zeros are digits: 01025 is 1025
    }

    @ParameterizedTest(name = "{0} Content-Length: {1}")
    @MethodSource("declaredLengthsOverTheLimit")
    void refusesADeclaredLengthOverTheLimitBeforeTheBodyIsSent(String stack, String length) {
        // only the head is sent: a server waiting for the body would time the read out
        Request head = upload().header("Content-Length", length);

        refusedAndClosed(stack, head.head(SERVERS.on(stack).port()));
    }

    @OnEachStack
    void cutsOffAChunkedBodyAtTheLimit(String stack) {
        Request chunked = upload().header("Transfer-Encoding", "chunked").rawBody(Request.chunked(4, MAX_BODY));

        // a response other than the refusal (the application's {"bytes":4096}) would fail here
        refusedAndClosed(stack, chunked.bytes(SERVERS.on(stack).port()));
    }

    @OnEachStack
    void letsABodyAtTheLimitThrough(String stack) {
        Exchange ex = SERVERS.on(stack).exchange(upload().body(Request.filler(MAX_BODY)));

        Expect.passed(ex, 200);
        assertThat(ex.response().text()).isEqualTo("{\"bytes\":" + MAX_BODY + "}");
    }

    @OnEachStack
    void letsAChunkedBodyUnderTheLimitThrough(String stack) {
        Exchange ex = SERVERS.on(stack).exchange(
                upload().header("Transfer-Encoding", "chunked").rawBody(Request.chunked(2, MAX_BODY / 4)));

        Expect.passed(ex, 200);
        assertThat(ex.response().text()).isEqualTo("{\"bytes\":" + MAX_BODY / 2 + "}");
    }

    /**
     * Jetty's parser refuses all of these itself (see {@link Stacks#JETTY}); Tomcat lets the agent see
     * them but one: it drops a {@code Content-Length} sent with {@code Transfer-Encoding: chunked}
     * (RFC 9112 §6.3) before the agent's hook runs and serves the chunked body, which the BODY gate then
     * counts like any streamed body. No framing ambiguity reaches the application either way.
     */
    static Stream<Arguments> badContentLengths() {
        return Stacks.times(List.of(
                upload().header("Content-Length", "abc"),
                upload().header("Content-Length", "-1"),
                upload().header("Content-Length", "+10"),
                upload().header("Content-Length", "99999999999999999999"), // larger than a long
                upload().header("Content-Length", "10").header("Content-Length", "20")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badContentLengths")
    void refusesAContentLengthThatIsNotOneNumber(String stack, Request request) {
        Exchange ex = SERVERS.on(stack).exchange(request);

        if (stack.equals(Stacks.JETTY)) {
            Expect.refusedByTheStackItself(ex);
        } else {
            Expect.blocked(ex, Refusal.BAD_CONTENT_LENGTH, "POST", PATH);
        }
    }

    @OnEachStack
    void aContentLengthBesideChunkedNeverReachesTheApplicationAsAmbiguousFraming(String stack) {
        Exchange ex = SERVERS.on(stack).exchange(
                upload().header("Content-Length", "10").header("Transfer-Encoding", "chunked").rawBody(Request.chunked(1, 10)));

        if (stack.equals(Stacks.JETTY)) {
            Expect.refusedByTheStackItself(ex);
        } else {
            Expect.passed(ex, 200);
            assertThat(ex.response().text()).isEqualTo("{\"bytes\":10}");
        }
    }

    /**
     * Sends {@code bytes} and expects the 413 refusal, the connection closed (§5: the body was not read to
     * its end) and one decision line.
     */
    private static void refusedAndClosed(String stack, byte[] bytes) {
        DemoServer server = SERVERS.on(stack);
        int mark = server.mark();
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(bytes);
            RawResponse response = http.readResponse();

            Expect.refusal(response, Refusal.BODY_TOO_LARGE);
            assertThat(response.header("Connection")).as("Connection").isEqualToIgnoringCase("close");
            assertThat(http.closedByServer()).as("the server closed the connection").isTrue();
        }
        Expect.onlyLine(server.decisionsSince(mark), "blocked", Refusal.BODY_TOO_LARGE, "POST", PATH, stack);
    }

    private static Request upload() {
        return Request.post(PATH).bearer(TOKEN);
    }
}
