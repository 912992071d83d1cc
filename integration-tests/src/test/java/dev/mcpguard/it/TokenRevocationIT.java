package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Design §9 on a real demo JVM with a real token file: entries name their principal, an expired entry is refused
 * with its detail, scopes meet {@code MCPGUARD_REQUIRED_SCOPES}, and revocation works — emptying the file
 * refuses its tokens at once, deleting it after 10 s, a malformed file keeps the last good set — each change in
 * one log line. The gate core is shared, so two stacks (a servlet one and Netty) are enough.
 */
class TokenRevocationIT {

    private static final List<String> STACKS = List.of("jetty", "netty");
    private static final String PATH = "/health";
    private static final String WRITER = "writer-token-8f2a";
    private static final String READER = "reader-token-5c1d";
    private static final String EXPIRED = "expired-token-77e0";
    /** {@code MCPGUARD_TOKEN}: not in the file, so no change of the file touches it. */
    private static final String FIXED = "fixed-token-90b4";
    private static final String SCOPE = "mcp:tools";
    private static final String GOOD = "# principals\n"
            + WRITER + " name=writer scopes=mcp:tools,mcp:read\n"
            + READER + " name=reader scopes=mcp:read rate=10/s\n"
            + EXPIRED + " scopes=mcp:tools expires=2001-01-01 name=expired\n";

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.perStack(TokenRevocationIT::launch);

    static Stream<Stack> stacks() {
        return Stacks.ALL.stream().filter(stack -> STACKS.contains(stack.name()));
    }

    @BeforeAll
    static void startTheServers() {
        DemoServers.startAll(2, Map.of(SERVERS, stacks().toList()));
    }

    @BeforeEach
    void noServerHasATokenInItsLog() {
        stacks().forEach(stack -> assertThat(SERVERS.on(stack).stderr().all()).as("tokens are never logged")
                .noneMatch(line -> line.contains(WRITER) || line.contains(READER) || line.contains(EXPIRED)
                        || line.contains(FIXED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void anEntryNamesItsPrincipalAnExpiredOneIsRefusedAndScopesAreRequired(Stack stack) throws Exception {
        DemoServer server = restored(stack);

        Exchange writer = server.exchange(Request.get(PATH).bearer(WRITER));
        assertThat(writer.response().status()).isEqualTo(200);
        assertThat(writer.decisions()).singleElement().satisfies(line -> {
            assertThat(line.action()).isEqualTo("allowed");
            assertThat(line.fields()).containsEntry("user.name", "writer");
        });

        Exchange expired = server.exchange(Request.get(PATH).bearer(EXPIRED));
        Expect.refusal(expired.response(), Refusal.INVALID_TOKEN);
        assertThat(expired.decisions()).singleElement().satisfies(line -> {
            assertThat(line.reason()).isEqualTo("invalid_token");
            assertThat(line.line()).contains("\"mcpguard.detail\":\"expired\"");
            assertThat(line.fields()).doesNotContainKey("user.name");
        });

        Exchange reader = server.exchange(Request.get(PATH).bearer(READER));
        assertThat(reader.response().status()).isEqualTo(403);
        assertThat(reader.response().header("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"mcp\", error=\"insufficient_scope\", scope=\"" + SCOPE + "\"");
        assertThat(reader.decisions()).singleElement().satisfies(line -> {
            assertThat(line.action()).isEqualTo("blocked");
            assertThat(line.reason()).isEqualTo("insufficient_scope");
            assertThat(line.fields()).containsEntry("user.name", "reader");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void anEmptiedFileRefusesItsTokensAtOnceInOneLine(Stack stack) throws Exception {
        DemoServer server = restored(stack);
        int mark = server.mark();

        replace(stack, "# every token revoked\n");

        assertThat(within(Duration.ofSeconds(3), () -> status(server, WRITER) == 401)).as("refused within ~2 s").isTrue();
        assertThat(status(server, FIXED)).as("MCPGUARD_TOKEN still known: 403 for its missing scope, not 401")
                .isEqualTo(403);
        assertOneLine(server, mark, " WARN mcpguard - MCPGUARD_TOKEN_FILE ", "has no token line: it accepts no token now");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void aDeletedFileKeepsItsTokensTenSecondsThenRefusesThemUntilItIsBack(Stack stack) throws Exception {
        DemoServer server = restored(stack);
        int mark = server.mark();
        long deleted = System.nanoTime();

        Files.delete(file(stack));

        assertThat(status(server, WRITER)).as("at once").isEqualTo(200);
        Thread.sleep(3000);
        assertThat(status(server, WRITER)).as("3 s after").isEqualTo(200);
        assertThat(within(Duration.ofSeconds(15), () -> status(server, WRITER) == 401)).as("refused after 10 s").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - deleted)).as("refused after").isGreaterThan(Duration.ofSeconds(10));
        assertThat(status(server, FIXED)).as("MCPGUARD_TOKEN still known").isEqualTo(403);
        assertOneLine(server, mark, " ERROR mcpguard - MCPGUARD_TOKEN_FILE ", "missing or unreadable for more than 10 s");

        int back = server.mark();
        replace(stack, GOOD);
        assertThat(within(Duration.ofSeconds(3), () -> status(server, WRITER) == 200)).as("accepted once back").isTrue();
        assertOneLine(server, back, " INFO mcpguard - MCPGUARD_TOKEN_FILE ", "is back: 4 token(s) accepted now, 1 before");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void aMalformedFileKeepsTheLastGoodSetInOneLine(Stack stack) throws Exception {
        DemoServer server = restored(stack);
        int mark = server.mark();

        replace(stack, READER + " name=reader\n" + WRITER + " role=admin\n");

        server.awaitStderrLine("ERROR mcpguard - MCPGUARD_TOKEN_FILE", "is malformed (line 2: an unknown attribute");
        assertThat(status(server, WRITER)).as("last good set kept").isEqualTo(200);
        assertOneLine(server, mark, " ERROR mcpguard - MCPGUARD_TOKEN_FILE ", "is malformed (line 2:",
                "keeping the 4 token(s) accepted so far");
    }

    /**
     * The server of {@code stack}, its file holding {@link #GOOD} and its tokens accepted: whatever state an
     * earlier test left the file in.
     */
    private static DemoServer restored(Stack stack) throws Exception {
        DemoServer server = SERVERS.on(stack);
        replace(stack, GOOD);
        assertThat(within(Duration.ofSeconds(5), () -> status(server, WRITER) == 200)).as("writer accepted").isTrue();
        // the polls' decision lines may still be on their way through the pipe: a sentinel's line comes after them
        server.decisionsSince(server.mark());
        return server;
    }

    /**
     * After one more check interval, the only agent line about the token file since {@code mark} is the one with
     * {@code parts}.
     */
    private static void assertOneLine(DemoServer server, int mark, String... parts) throws InterruptedException {
        Thread.sleep(1500);
        assertThat(server.stderr().since(mark).stream().filter(line -> line.contains("MCPGUARD_TOKEN_FILE")).toList())
                .singleElement().asString().contains(parts);
    }

    private static int status(DemoServer server, String token) {
        return RawHttp.exchange(server.port(), Request.get(PATH).bearer(token)).status();
    }

    private static Path file(Stack stack) {
        return Path.of(SERVERS.launch(stack).env().get("MCPGUARD_TOKEN_FILE"));
    }

    /** Written beside and moved over the file, as an operator should: the agent never reads half a file. */
    private static void replace(Stack stack, String content) throws IOException {
        Path file = file(stack);
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Launch launch(Stack stack) {
        try {
            Path dir = Files.createTempDirectory("mcpguard-it-revocation-" + stack.name() + "-");
            dir.toFile().deleteOnExit();
            Path file = Files.writeString(dir.resolve("tokens"), GOOD, StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return Launch.defaults()
                    .with("MCPGUARD_TOKEN_FILE", file.toString())
                    .with("MCPGUARD_TOKEN", FIXED)
                    .with("MCPGUARD_REQUIRED_SCOPES", SCOPE)
                    .with("MCPGUARD_LOG_ALLOWED", "1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean within(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
