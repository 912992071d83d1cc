package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.ROTATED_TOKEN;
import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The token sources other than {@code MCPGUARD_TOKEN} (§3): SHA-256 digests and a token file. */
class TokenSourcesIT {

    private static final String PATH = "/health";
    private static final String FILE_TOKEN = "file-token";
    private static final String ADDED_FILE_TOKEN = "added-file-token";

    /** Digests in either case: the first token's in lower case, the rotated one's in upper case. */
    @RegisterExtension
    static final DemoServers DIGESTS = DemoServers.of(Launch.standard()
            .without("MCPGUARD_TOKEN")
            .with("MCPGUARD_TOKEN_SHA256", sha256Hex(TOKEN) + "," + sha256Hex(ROTATED_TOKEN).toUpperCase(Locale.ROOT)));

    /** One token file per stack: the reload test changes it. */
    @RegisterExtension
    static final DemoServers TOKEN_FILES = DemoServers.perStack(TokenSourcesIT::tokenFile);

    @OnEachStack
    void acceptsTokensWhoseDigestIsConfiguredInEitherCase(Stack stack) {
        DemoServer server = DIGESTS.on(stack);

        Expect.passed(server.exchange(Request.get(PATH).bearer(TOKEN)), 200);
        Expect.passed(server.exchange(Request.get(PATH).bearer(ROTATED_TOKEN)), 200);
        Expect.blocked(server.exchange(Request.get(PATH).bearer("wrong")), Refusal.INVALID_TOKEN, "GET", PATH);
    }

    @OnEachStack
    void acceptsTheTokensOfTheFileIgnoringCommentsBlankLinesAndLineEnds(Stack stack) {
        DemoServer server = TOKEN_FILES.on(stack);

        Expect.passed(server.exchange(Request.get(PATH).bearer(FILE_TOKEN)), 200);
        Expect.blocked(server.exchange(Request.get(PATH).bearer("wrong")), Refusal.INVALID_TOKEN, "GET", PATH);
    }

    @OnEachStack
    void rereadsTheFileWhenItChanges(Stack stack) throws IOException {
        DemoServer server = TOKEN_FILES.on(stack);
        Expect.blocked(server.exchange(Request.get(PATH).bearer(ADDED_FILE_TOKEN)), Refusal.INVALID_TOKEN, "GET", PATH);

        Files.writeString(Path.of(TOKEN_FILES.launch(stack).env().get("MCPGUARD_TOKEN_FILE")),
                FILE_TOKEN + "\n" + ADDED_FILE_TOKEN + "\n", StandardCharsets.UTF_8);

        assertThat(eventually(() -> server.exchange(Request.get(PATH).bearer(ADDED_FILE_TOKEN)).response().status() == 200))
                .as("the added token is accepted without a restart").isTrue();
        Expect.passed(server.exchange(Request.get(PATH).bearer(FILE_TOKEN)), 200);
    }

    /** A new token file for {@code stack}'s server, and the configuration that names it. */
    private static Launch tokenFile(Stack stack) {
        try {
            Path file = Files.createTempFile("mcpguard-it-tokens-" + stack.name() + "-", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, "# accepted tokens\r\n\r\n   \r\n  " + FILE_TOKEN + "  \r\n# the end\r\n", StandardCharsets.UTF_8);
            return Launch.standard().without("MCPGUARD_TOKEN").with("MCPGUARD_TOKEN_FILE", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls for up to 10 s: the agent notices a changed file on its own schedule. */
    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
