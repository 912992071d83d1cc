package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.Authentication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Design §9's revocation, one check at a time on a clock the test moves: no test sleeps through the 10 s. */
class TokenFileWatcherTest {
    private static final String FIXED = "fixed-token";
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long now = 42 * SECOND;
    private Path file;
    private AcceptedTokens accepted;
    private TokenFileWatcher watcher;

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("tokens");
        write("alice-token name=alice\nbob-token name=bob\n");
        Config config = Config.load(new KnobSource(Map.of("MCPGUARD_TOKEN_FILE", file.toString(),
                "MCPGUARD_TOKEN", FIXED), new Properties()));
        accepted = config.acceptedTokens();
        watcher = new TokenFileWatcher(file, config.fileTokenEntries(), config.fixedTokenEntries(), accepted,
                new OperatorLog(new PrintStream(out, true, StandardCharsets.UTF_8)), () -> now);
    }

    private void write(String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** Checks after {@code seconds} more. */
    private void checkAfter(long seconds) {
        now += seconds * SECOND;
        watcher.check();
    }

    private boolean accepts(String token) {
        return accepted.authenticate(token, 0, token.length(), System.currentTimeMillis()).principal() != null;
    }

    private List<String> lines() {
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        out.reset();
        return lines;
    }

    @Test
    void anUnchangedFileSaysNothing() {
        checkAfter(1);
        checkAfter(1);

        assertThat(lines()).isEmpty();
        assertThat(accepts("alice-token")).isTrue();
    }

    @Test
    void aChangeIsOneInfoLineWithTheCounts() throws IOException {
        write("# bob left\nalice-token name=alice\ncarol-token name=carol\n");
        checkAfter(1);
        checkAfter(1);

        assertThat(lines()).singleElement().asString()
                .contains(" INFO mcpguard - MCPGUARD_TOKEN_FILE " + file + " changed: 3 token(s) accepted now, 3 before");
        assertThat(accepts("bob-token")).isFalse();
        assertThat(accepts("carol-token")).isTrue();
    }

    @Test
    void aChangedAttributeIsAChange() throws IOException {
        write("alice-token name=alice expires=2000-01-01\nbob-token name=bob\n");
        checkAfter(1);

        assertThat(lines()).singleElement().asString().contains("changed: 3 token(s) accepted now, 3 before");
        assertThat(accepted.authenticate("alice-token", 0, 11, System.currentTimeMillis()))
                .isSameAs(Authentication.EXPIRED);
    }

    @Test
    void anEmptyFileAcceptsNoTokenFromItAtOnceInOneWarnLine() throws IOException {
        write("# all revoked\n\n");
        checkAfter(1);
        checkAfter(1);

        assertThat(lines()).singleElement().asString().contains(" WARN mcpguard - MCPGUARD_TOKEN_FILE " + file
                + " has no token line: it accepts no token now (1 token(s) accepted now, 3 before)");
        assertThat(accepts("alice-token")).isFalse();
        assertThat(accepts("bob-token")).isFalse();
        assertThat(accepts(FIXED)).as("MCPGUARD_TOKEN is not in the file").isTrue();

        write("alice-token name=alice\n");
        checkAfter(1);
        assertThat(lines()).singleElement().asString().contains(" INFO ", "changed: 2 token(s) accepted now, 1 before");
        assertThat(accepts("alice-token")).isTrue();
    }

    @Test
    void aMissingFileKeepsTheSetForTenSecondsThenAcceptsNoneUntilItIsBack() throws IOException {
        Files.delete(file);
        checkAfter(1); // first seen missing
        for (int i = 0; i < 9; i++) {
            checkAfter(1);
        }
        assertThat(lines()).as("9 s missing").isEmpty();
        assertThat(accepts("alice-token")).as("9 s missing").isTrue();

        checkAfter(1);
        assertThat(accepts("alice-token")).as("10 s missing: not more than 10 s yet").isTrue();
        checkAfter(1);
        assertThat(accepts("alice-token")).as("11 s missing").isFalse();
        assertThat(accepts(FIXED)).isTrue();
        checkAfter(1);
        checkAfter(60);
        assertThat(lines()).singleElement().asString().contains(" ERROR mcpguard - MCPGUARD_TOKEN_FILE " + file
                + " has been missing or unreadable for more than 10 s (NoSuchFileException): it accepts no token now "
                + "(1 token(s) accepted now, 3 before)");

        write("alice-token name=alice\nbob-token name=bob\n");
        checkAfter(1);
        checkAfter(1);
        assertThat(lines()).singleElement().asString()
                .contains(" INFO mcpguard - MCPGUARD_TOKEN_FILE " + file + " is back: 3 token(s) accepted now, 1 before");
        assertThat(accepts("alice-token")).isTrue();
    }

    @Test
    void aFileReplacedWithinTheGraceChangesNothingAndSaysNothing() throws IOException {
        Files.delete(file);
        checkAfter(1);
        checkAfter(8);
        write("alice-token name=alice\nbob-token name=bob\n");
        checkAfter(5);

        assertThat(lines()).isEmpty();
        assertThat(accepts("bob-token")).isTrue();

        Files.delete(file);
        checkAfter(1);
        checkAfter(9);
        assertThat(accepts("bob-token")).as("a new absence gets a new grace").isTrue();
    }

    @Test
    void anUnreadableFileCountsAsMissing() throws IOException {
        Files.delete(file);
        Files.createDirectory(file);
        checkAfter(1);
        checkAfter(11);

        assertThat(lines()).singleElement().asString().contains(" ERROR ", "missing or unreadable for more than 10 s");
        assertThat(accepts("alice-token")).isFalse();
    }

    @Test
    void aMalformedFileKeepsTheLastGoodSetInOneErrorLinePerProblem() throws IOException {
        write("alice-token name=alice\ncarol-token role=admin\n");
        checkAfter(1);
        checkAfter(30);
        assertThat(lines()).singleElement().asString().contains(" ERROR mcpguard - MCPGUARD_TOKEN_FILE " + file
                + " is malformed (line 2: an unknown attribute (allowed: name=, expires=, scopes=, rate=)): keeping the "
                + "3 token(s) accepted so far");
        assertThat(accepts("bob-token")).isTrue();
        assertThat(accepts("carol-token")).isFalse();

        write("alice-token name=alice\ncarol-token\ncarol-token\n");
        checkAfter(1);
        assertThat(lines()).singleElement().asString().contains("is malformed (line 3: the same token as line 2)");

        write("alice-token name=alice\nbob-token name=bob\n");
        checkAfter(1);
        assertThat(lines()).singleElement().asString()
                .contains(" INFO ", "is well-formed again: 3 token(s) accepted, unchanged");
    }

    @Test
    void aMalformedFileAfterTheFileWentMissingKeepsNone() throws IOException {
        Files.delete(file);
        checkAfter(1);
        checkAfter(11);
        write("alice-token name=alice\nnot a token line\n");
        checkAfter(1);

        assertThat(lines()).hasSize(2).last().asString().contains("is malformed", "keeping the 1 token(s) accepted so far");
        assertThat(accepts("alice-token")).isFalse();
    }

    @Test
    void noLineEverHoldsAToken() throws IOException {
        write("alice-token name=alice\ncarol-token role=admin\n");
        checkAfter(1);
        write("");
        checkAfter(1);
        Files.delete(file);
        checkAfter(1);
        checkAfter(11);
        write("dave-token\n");
        checkAfter(1);

        assertThat(lines()).hasSize(4).noneMatch(line -> line.contains("-token"));
    }
}
