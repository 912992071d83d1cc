package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

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

    /** An unsafe request target; {@code refusedByJetty}: Jetty refuses it itself (see {@link Stacks#JETTY}). */
    record UnsafePath(String target, boolean refusedByJetty) {
        @Override
        public String toString() {
            return target;
        }
    }

    static Stream<Arguments> unsafePaths() {
        return Stacks.times(List.of(
                new UnsafePath("/%2e%2e/inspector", true),   // encoded dot
                new UnsafePath("/a%2fb", true),              // encoded slash
                new UnsafePath("/x%00", true),               // encoded control character
                new UnsafePath("/x%00?q=1", true),           // ... logged without its query
                new UnsafePath("/..;/..", true),             // ".." behind a parameter, above the root
                new UnsafePath("/a\\b", true),               // raw backslash
                new UnsafePath("/%c0%ae", true),             // overlong UTF-8 for "."
                new UnsafePath("/%zz", true),                // "%" without two hex digits
                new UnsafePath("/../../etc", true),          // above the root
                new UnsafePath("/x%0d%0a" + FORGED, true),   // encoded CR LF
                // The same rules broken inside a path parameter, which both servers strip and then serve
                // /health: only the gate stands between these and the application.
                new UnsafePath("/health;a=%2e", false),
                new UnsafePath("/health;a=%2f", false),
                new UnsafePath("/health;a=%5c", false),
                new UnsafePath("/health;a=%00", false),
                new UnsafePath("/health;a=%c0%ae", false),
                new UnsafePath("/health;a=%ff", false),      // not UTF-8 at all
                new UnsafePath("/health;a=%zz", false)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unsafePaths")
    void refusesAPathThatCannotBeNormalizedSafely(String stack, UnsafePath path) {
        // with a valid token, so that only the PATH gate stands between the request and the application
        Request request = Request.get(path.target()).bearer(TOKEN);

        Exchange ex = SERVERS.on(stack).exchange(request);

        if (path.refusedByJetty() && stack.equals(Stacks.JETTY)) {
            Expect.refusedByTheStackItself(ex);
        } else if (path.target().indexOf('\\') >= 0 && stack.equals(Stacks.TOMCAT)) {
            // Tomcat's parser hands over no URI at all for a raw backslash: refused, logged with an empty path
            Expect.blocked(ex, Refusal.BAD_PATH, "GET", "");
        } else {
            // a path that failed normalization is logged raw, without the query (§7)
            Expect.blocked(ex, Refusal.BAD_PATH, "GET", request.rawPath());
        }
    }

    @OnEachStack
    void anEncodedLineBreakInThePathCannotForgeALogLine(String stack) {
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
}
