package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.LOOPBACK_PATH;
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
 * Log-only mode (§1, §4): every gate computes and logs its decision ({@code would_block}, with the status
 * enforcing would have sent) and the request goes on to the application untouched.
 */
class LogOnlyIT {

    @RegisterExtension
    static final DemoServers LOG_ONLY = DemoServers.of(Launch.standard().with("MCPGUARD_MODE", "log-only"));

    /** Only AUTH logs; every other gate enforces. */
    @RegisterExtension
    static final DemoServers AUTH_LOG_ONLY = DemoServers.of(Launch.standard().with("MCPGUARD_AUTH_MODE", "log-only"));

    private static final String UPLOAD = "/upload";

    /**
     * A request, the body the application answers it with 200 (null: any), and the would-be refusals logged for
     * it, in gate order.
     */
    record Case(Request request, String path, String body, List<Refusal> wouldBlock) {
        @Override
        public String toString() {
            return request + " -> " + wouldBlock;
        }
    }

    static Stream<Arguments> everyGateLetsThrough() {
        return Stacks.times(List.of(
                new Case(Request.get(LOOPBACK_PATH).bearer(TOKEN), LOOPBACK_PATH, null, List.of(Refusal.LOOPBACK_ONLY)),
                new Case(Request.get("/health").bearer(TOKEN).header("Origin", "http://evil.example"), "/health", "ok",
                        List.of(Refusal.ORIGIN_NOT_ALLOWED)),
                new Case(Request.get("/health").bearer(TOKEN).host("evil.example"), "/health", "ok",
                        List.of(Refusal.HOST_NOT_ALLOWED)),
                new Case(Request.get("/health"), "/health", "ok", List.of(Refusal.MISSING_TOKEN)),
                new Case(Request.get("/health").bearer("wrong"), "/health", "ok", List.of(Refusal.INVALID_TOKEN)),
                new Case(Request.post(UPLOAD).bearer(TOKEN).body(Request.filler(2 * MAX_BODY)), UPLOAD,
                        "{\"bytes\":" + 2 * MAX_BODY + "}", List.of(Refusal.BODY_TOO_LARGE)),
                new Case(Request.post(UPLOAD).bearer(TOKEN).header("Transfer-Encoding", "chunked").rawBody(Request.chunked(4, MAX_BODY)),
                        UPLOAD, "{\"bytes\":" + 4 * MAX_BODY + "}", List.of(Refusal.BODY_TOO_LARGE)),
                // two gates, two lines: the walk goes on after a log-only refusal
                new Case(Request.get(LOOPBACK_PATH), LOOPBACK_PATH, null, List.of(Refusal.LOOPBACK_ONLY, Refusal.MISSING_TOKEN)),
                new Case(Request.get("/health").header("Origin", "null").bearer("wrong"), "/health", "ok",
                        List.of(Refusal.ORIGIN_NOT_ALLOWED, Refusal.INVALID_TOKEN))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyGateLetsThrough")
    void everyGateLogsWhatItWouldHaveRefusedAndLetsTheRequestThrough(Stack stack, Case c) {
        Exchange ex = LOG_ONLY.on(stack).exchange(c.request());

        assertThat(ex.response().status()).as("the application's status, %s", ex.response()).isEqualTo(200);
        if (c.body() != null) {
            assertThat(ex.response().text()).isEqualTo(c.body());
        }
        Expect.wouldBlock(ex, c.request().method(), c.path(), c.wouldBlock().toArray(Refusal[]::new));
    }

    /**
     * The gates after PATH get no normalized path to judge, and the contract does not say what they make of
     * that ("restrictions match broadly" lets LOOPBACK count it as restricted): only PATH's line is pinned.
     */
    @OnEachStack
    void aPathThatCannotBeNormalizedIsLoggedAndServed(Stack stack) {
        String target = "/health;a=%2e"; // an encoded dot in a parameter
        Exchange ex = LOG_ONLY.on(stack).exchange(Request.get(target).bearer(TOKEN));

        // the application's answer: /health's, where the stack strips path parameters, else its own 404
        if (stack.stripsPathParameters()) {
            assertThat(ex.response().status()).as("status of %s", ex.response()).isEqualTo(200);
            assertThat(ex.response().text()).isEqualTo("ok");
        } else {
            assertThat(ex.response().status()).as("status of %s", ex.response()).isEqualTo(404);
            assertThat(ex.response().text()).doesNotContain("\"jsonrpc\"");
        }
        assertThat(ex.decisions()).isNotEmpty().allSatisfy(d -> assertThat(d.action()).isEqualTo("would_block"));
        Expect.line(ex.decisions().get(0), "would_block", Refusal.BAD_PATH, "GET", target, stack);
    }

    @OnEachStack
    void aLogOnlyGateLetsThroughWhileTheOthersEnforce(Stack stack) {
        Exchange ex = AUTH_LOG_ONLY.on(stack).exchange(Request.get("/health"));

        assertThat(ex.response().status()).isEqualTo(200);
        Expect.wouldBlock(ex, "GET", "/health", Refusal.MISSING_TOKEN);
    }

    @OnEachStack
    void anEnforcingGateBeforeTheLogOnlyOneEndsTheWalk(Stack stack) {
        Exchange ex = AUTH_LOG_ONLY.on(stack).exchange(Request.get("/health").header("Origin", "http://evil.example"));

        Expect.blocked(ex, Refusal.ORIGIN_NOT_ALLOWED, "GET", "/health");
    }

    @OnEachStack
    void anEnforcingGateAfterTheLogOnlyOneStillRefuses(Stack stack) {
        Exchange ex = AUTH_LOG_ONLY.on(stack).exchange(Request.post(UPLOAD).body(Request.filler(2 * MAX_BODY)));

        Expect.refusal(ex.response(), Refusal.BODY_TOO_LARGE);
        assertThat(ex.decisions()).hasSize(2);
        Expect.line(ex.decisions().get(0), "would_block", Refusal.MISSING_TOKEN, "POST", UPLOAD, stack);
        Expect.line(ex.decisions().get(1), "blocked", Refusal.BODY_TOO_LARGE, "POST", UPLOAD, stack);
    }
}
