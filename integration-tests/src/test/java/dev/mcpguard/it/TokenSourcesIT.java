package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.ROTATED_TOKEN;
import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

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
    static final DemoServers JETTY_FILE = tokenFileServers("jetty");

    @RegisterExtension
    static final DemoServers TOMCAT_FILE = tokenFileServers("tomcat");

    @OnEachStack
    void acceptsTokensWhoseDigestIsConfiguredInEitherCase(String stack) {
        DemoServer server = DIGESTS.on(stack);

        Expect.passed(server.exchange(Request.get(PATH).bearer(TOKEN)), 200);
        Expect.passed(server.exchange(Request.get(PATH).bearer(ROTATED_TOKEN)), 200);
        Expect.blocked(server.exchange(Request.get(PATH).bearer("wrong")), Refusal.INVALID_TOKEN, "GET", PATH);
    }

    @OnEachStack
    void acceptsTheTokensOfTheFileIgnoringCommentsBlankLinesAndLineEnds(String stack) {
        DemoServer server = tokenFile(stack).on(stack);

        Expect.passed(server.exchange(Request.get(PATH).bearer(FILE_TOKEN)), 200);
        Expect.blocked(server.exchange(Request.get(PATH).bearer("wrong")), Refusal.INVALID_TOKEN, "GET", PATH);
    }

    @OnEachStack
    void rereadsTheFileWhenItChanges(String stack) throws IOException {
        DemoServers servers = tokenFile(stack);
        DemoServer server = servers.on(stack);
        Expect.blocked(server.exchange(Request.get(PATH).bearer(ADDED_FILE_TOKEN)), Refusal.INVALID_TOKEN, "GET", PATH);

        Files.writeString(Path.of(servers.launch().env().get("MCPGUARD_TOKEN_FILE")),
                FILE_TOKEN + "\n" + ADDED_FILE_TOKEN + "\n", StandardCharsets.UTF_8);

        assertThat(eventually(() -> server.exchange(Request.get(PATH).bearer(ADDED_FILE_TOKEN)).response().status() == 200))
                .as("the added token is accepted without a restart").isTrue();
        Expect.passed(server.exchange(Request.get(PATH).bearer(FILE_TOKEN)), 200);
    }

    private static DemoServers tokenFile(String stack) {
        return stack.equals("jetty") ? JETTY_FILE : TOMCAT_FILE;
    }

    private static DemoServers tokenFileServers(String stack) {
        try {
            Path file = Files.createTempFile("mcpguard-it-tokens-" + stack, ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, "# accepted tokens\r\n\r\n   \r\n  " + FILE_TOKEN + "  \r\n# the end\r\n", StandardCharsets.UTF_8);
            return DemoServers.of(Launch.standard().without("MCPGUARD_TOKEN").with("MCPGUARD_TOKEN_FILE", file.toString()));
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
