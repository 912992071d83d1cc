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

/** PATH gate (§4 row 1), enforcing: paths that cannot be normalized safely get 400 {@code bad_path}. */
class PathGateIT {

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.of(Launch.standard());

    /** Text that would start a line of its own if a CR/LF from the path reached the log unescaped. */
    private static final String FORGED = "forged-line";

    /**
     * Unsafe request targets. Servers refuse some of the first group themselves, before the agent's hook (see
     * each stack's {@link Stack#ownRefusals()}). The second group breaks the same rules inside a path parameter,
     * which the servlet containers and Undertow strip (and the JDK matches by prefix) to serve {@code /health}:
     * only the gate stands between these and the application.
     */
    static Stream<Arguments> unsafePaths() {
        return Stacks.times(List.of(
                "/%2e%2e/inspector",    // encoded dot
                "/a%2fb",               // encoded slash
                "/x%00",                // encoded control character
                "/x%00?q=1",            // ... logged without its query
                "/..;/..",              // ".." behind a parameter, above the root
                "/a\\b",               // raw backslash
                "/%c0%ae",              // overlong UTF-8 for "."
                "/%zz",                 // "%" without two hex digits
                "/../../etc",           // above the root
                "/x%0d%0a" + FORGED,    // encoded CR LF
                "/health;a=%2e",
                "/health;a=%2f",
                "/health;a=%5c",
                "/health;a=%00",
                "/health;a=%c0%ae",
                "/health;a=%ff",        // not UTF-8 at all
                "/health;a=%zz"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unsafePaths")
    void refusesAPathThatCannotBeNormalizedSafely(Stack stack, String target) {
        // with a valid token, so that only the PATH gate stands between the request and the application
        Request request = Request.get(target).bearer(TOKEN);

        Exchange ex = SERVERS.on(stack).exchange(request);

        if (target.indexOf('\\') >= 0 && stack.blanksBackslashTargets()) {
            // Tomcat's parser hands over no URI at all for a raw backslash: refused, logged with an empty path
            Expect.blocked(ex, Refusal.BAD_PATH, "GET", "");
        } else {
            // a path that failed normalization is logged raw, without the query (§7)
            Expect.blockedUnlessTheStackRefusesItself(ex, target, Refusal.BAD_PATH, "GET", request.rawPath());
        }
    }

    @OnEachStack
    void anEncodedLineBreakInThePathCannotForgeALogLine(Stack stack) {
        DemoServer server = SERVERS.on(stack);
        String target = "/health;a=%0d%0a" + FORGED;

        Exchange ex = server.exchange(Request.get(target).bearer(TOKEN));

        Expect.blocked(ex, Refusal.BAD_PATH, "GET", target);
        assertThat(server.stderr().all())
                .as("every stderr line holding the forged text is a whole decision line")
                .filteredOn(line -> line.contains(FORGED))
                .isNotEmpty()
                .allSatisfy(line -> assertThat(Decision.parse(line)).isPresent());
    }

    /**
     * Targets that servers read as more than one path (issue 11 item 2): Undertow routes {@code http://h:PORTinspector}
     * and Reactor Netty {@code http://x#/inspector} to {@code /inspector}, Vert.x {@code http://x?/inspector} too, a
     * fragment ends some servers' paths and not others'. {@code /inspector} is refused to everyone in prod, so the
     * page answered to any of them is a bypass. Each is refused by the gate (one decision line) or by the server
     * itself, or the server reads it as a path it serves and the gate judged that same path.
     */
    @OnEachStack
    void aTargetThatServersReadAsMoreThanOnePathNeverReachesARestrictedPage(Stack stack) {
        DemoServer server = SERVERS.on(stack);
        String port = Integer.toString(server.port());
        for (String target : List.of("http://127.0.0.1:" + port + "inspector", "http://x#/inspector",
                "http://x?/inspector", "http://user@127.0.0.1/inspector", "/health#/../inspector",
                "/health/../inspector", "/inspector/..;/health", "/health/..%3B/inspector", "/./inspector",
                "http://127.0.0.1:" + port + "/health/../inspector")) {
            Exchange ex = server.exchange(Request.get(target).bearer(TOKEN));

            assertThat(ex.response().text()).as("%s: %s", target, ex.response()).doesNotContain("Inspector (developers only)");
            if (ex.response().text().contains("\"jsonrpc\"")) {
                assertThat(ex.decisions()).as("%s: decision lines", target).hasSize(1);
                assertThat(ex.decisions().get(0).reason()).as(target).isIn(Refusal.BAD_PATH.reason,
                        Refusal.LOOPBACK_ONLY.reason, Refusal.HOST_NOT_ALLOWED.reason);
            } else if (ex.response().status() >= 400) {
                assertThat(ex.decisions()).as("%s: refused by the server itself, no decision line", target).isEmpty();
            } else {
                assertThat(ex.response().text()).as("%s: what the application served", target).isEqualTo("ok");
            }
        }
    }
}
