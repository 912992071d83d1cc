package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.MAX_BODY;
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
    void refusesADeclaredLengthOverTheLimitBeforeTheBodyIsSent(Stack stack, String length) {
        // only the head is sent: a server waiting for the body would time the read out
        Request head = upload().header("Content-Length", length);

        refusedAndClosed(stack, head.head(SERVERS.on(stack).port()));
    }

    @OnEachStack
    void cutsOffAChunkedBodyAtTheLimit(Stack stack) {
        Request chunked = upload().header("Transfer-Encoding", "chunked").rawBody(Request.chunked(4, MAX_BODY));

        // a response other than the refusal (the application's {"bytes":4096}) would fail here
        refusedAndClosed(stack, chunked.bytes(SERVERS.on(stack).port()));
    }

    @OnEachStack
    void letsABodyAtTheLimitThrough(Stack stack) {
        Exchange ex = SERVERS.on(stack).exchange(upload().body(Request.filler(MAX_BODY)));

        Expect.passed(ex, 200);
        assertThat(ex.response().text()).isEqualTo("{\"bytes\":" + MAX_BODY + "}");
    }

    @OnEachStack
    void letsAChunkedBodyUnderTheLimitThrough(Stack stack) {
        Exchange ex = SERVERS.on(stack).exchange(
                upload().header("Transfer-Encoding", "chunked").rawBody(Request.chunked(2, MAX_BODY / 4)));

        Expect.passed(ex, 200);
        assertThat(ex.response().text()).isEqualTo("{\"bytes\":" + MAX_BODY / 2 + "}");
    }

    /** A malformed {@code Content-Length}; {@code name} is how the stack profiles refer to it. */
    record BadLength(String name, Request request) {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Many servers refuse some of these themselves, before the agent's hook (see each stack's
     * {@link Stack#ownRefusals()}); whatever reaches the agent, it refuses.
     */
    static Stream<Arguments> badContentLengths() {
        return Stacks.times(List.of(
                new BadLength(Stacks.CL_NOT_A_NUMBER, upload().header("Content-Length", "abc")),
                new BadLength(Stacks.CL_NEGATIVE, upload().header("Content-Length", "-1")),
                new BadLength(Stacks.CL_SIGNED, upload().header("Content-Length", "+10")),
                new BadLength(Stacks.CL_OVER_A_LONG, upload().header("Content-Length", "99999999999999999999")),
                new BadLength(Stacks.CL_TWICE, upload().header("Content-Length", "10").header("Content-Length", "20"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badContentLengths")
    void refusesAContentLengthThatIsNotOneNumber(Stack stack, BadLength bad) {
        Exchange ex = SERVERS.on(stack).exchange(bad.request());

        Expect.blockedUnlessTheStackRefusesItself(ex, bad.name(), Refusal.BAD_CONTENT_LENGTH, "POST", PATH);
    }

    /**
     * §4: the agent refuses a {@code Content-Length} beside {@code Transfer-Encoding}. Many servers refuse it
     * themselves first; Tomcat drops the length before the agent's hook and serves the chunked body (see
     * {@link Stack#dropsLengthBesideChunked()}). No framing ambiguity reaches the application either way.
     */
    @OnEachStack
    void aContentLengthBesideChunkedNeverReachesTheApplicationAsAmbiguousFraming(Stack stack) {
        Exchange ex = SERVERS.on(stack).exchange(
                upload().header("Content-Length", "10").header("Transfer-Encoding", "chunked").rawBody(Request.chunked(1, 10)));

        if (stack.dropsLengthBesideChunked()) {
            Expect.passed(ex, 200);
            assertThat(ex.response().text()).isEqualTo("{\"bytes\":10}");
        } else {
            Expect.blockedUnlessTheStackRefusesItself(ex, Stacks.CL_BESIDE_CHUNKED, Refusal.BAD_CONTENT_LENGTH, "POST", PATH);
        }
    }

    private static void refusedAndClosed(Stack stack, byte[] bytes) {
        Expect.tooLargeAndClosed(SERVERS.on(stack), bytes, PATH);
    }

    private static Request upload() {
        return Request.post(PATH).bearer(TOKEN);
    }
}
