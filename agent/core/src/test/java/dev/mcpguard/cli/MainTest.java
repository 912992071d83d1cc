package dev.mcpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.config.Knob;
import dev.mcpguard.config.KnobSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return Main.run(List.of(args), in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryKnobWithItsDefault() {
        assertThat(run("", "--help")).isZero();
        for (Knob<?> knob : Knob.all()) {
            String defaultText = Help.defaultText(knob).replace("`", "");
            assertThat(out()).containsPattern("(?m)^  " + knob.envName() + " +.*\\(default: "
                    + java.util.regex.Pattern.quote(defaultText) + "\\)$");
        }
        assertThat(out()).contains("check", "hash-token", "report", "attach", "version");
    }

    @Test
    void withoutACommandPrintsTheUsageAndFails() {
        assertThat(run("")).isEqualTo(Main.USAGE);
        assertThat(err()).startsWith("usage: java -jar mcpguard-agent.jar <command>");
    }

    @Test
    void anUnknownCommandIsNamedPrintably() {
        assertThat(run("", "chek\u001b[2J")).isEqualTo(Main.USAGE);
        assertThat(err()).isEqualTo("mcpguard: unknown command chek\\u001b[2J; see --help" + System.lineSeparator());
    }

    @Test
    void versionWithoutAJarManifestSaysSo() {
        assertThat(run("", "version")).isZero();
        assertThat(out()).isEqualTo("mcpguard (development build)" + System.lineSeparator());
    }

    @Test
    void hashTokenPrintsTheHexDigestOfTheTrimmedToken() {
        assertThat(run("  s3cr3t-token\r\n", "hash-token")).isZero();
        // printf %s s3cr3t-token | sha256sum
        assertThat(out()).isEqualTo("fb07916a0e7daf7f3f4823b7773f85a839a8dd46fbf3858b8f53d3fa463c8ef3" + System.lineSeparator());
        assertThat(err()).isEmpty();
    }

    @Test
    void hashTokenRefusesWhatIsNotOneBearerTokenAndNeverEchoesIt() {
        for (String input : List.of("", "\n", "two words", "a\nb", "t\u00e9st", "tok=en")) {
            out.reset();
            err.reset();
            assertThat(run(input, "hash-token")).as(input).isEqualTo(Main.USAGE);
            assertThat(out()).as(input).isEmpty();
            assertThat(err()).as(input).startsWith("mcpguard: stdin does not hold one bearer token");
            if (!input.isBlank()) {
                assertThat(err()).as(input).doesNotContain(input);
            }
        }
    }

    @Test
    void hashTokenTakesNoArgumentSoThatATokenNeverLandsInTheProcessList() {
        assertThat(run("", "hash-token", "s3cr3t")).isEqualTo(Main.USAGE);
        assertThat(out()).isEmpty();
        assertThat(err()).doesNotContain("s3cr3t");
    }

    @Test
    void checkPrintsTheEffectiveConfigurationWithSecretsRedacted() {
        KnobSource source = new KnobSource(Map.of("MCPGUARD_TOKEN", "s3cr3t", "MCPGUARD_ENV", "dev", "MCPGUARD_TOKN", "x"),
                new Properties());
        assertThat(CheckCommand.check(source, print(out), print(err))).isZero();
        assertThat(out()).startsWith("mcpguard (development build): configuration valid")
                .contains("  set MCPGUARD_TOKEN=<redacted>", "  set MCPGUARD_ENV=dev",
                        "relaxed: MCPGUARD_ENV=dev: loopback paths are served to direct loopback peers",
                        "unknown: MCPGUARD_TOKN names no knob and is ignored (its value is not shown)")
                .doesNotContain("s3cr3t").doesNotContain("fail-closed");
        assertThat(err()).isEmpty();
    }

    @Test
    void checkListsEachTokenFileEntryWithoutItsTokenAndWarnsAboutExpiry(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path file = Files.writeString(dir.resolve("tokens"), "# team\n"
                + "alice-s3cr3t name=alice scopes=mcp:tools rate=10/s\n"
                + "guest-s3cr3t name=guest expires=" + today.plusDays(2) + "\n"
                + "old-s3cr3t name=old expires=" + today.minusDays(1) + "\n"
                + "bob-s3cr3t name=alice\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions, no warning about them
        }

        assertThat(CheckCommand.check(new KnobSource(Map.of("MCPGUARD_TOKEN_FILE", file.toString()), new Properties()),
                print(out), print(err))).isZero();

        assertThat(out()).contains(
                "  auth: 4 accepted token(s) <redacted> from MCPGUARD_TOKEN_FILE",
                "  token file line 2: name=alice expires=never scopes=mcp:tools rate=10/s\n",
                "  token file line 3: name=guest expires=" + today.plusDays(2) + " (valid through that day, UTC: refused from "
                        + today.plusDays(3) + "T00:00:00Z) scopes=none rate=none\n",
                "  token file line 5: name=alice expires=never scopes=none rate=none\n",
                "warning: token file line 3 (guest) expires within 7 days, at " + today.plusDays(3) + "T00:00:00Z\n",
                "warning: token file line 4 (old) expired at " + today + "T00:00:00Z: it is refused\n",
                "warning: token file lines 2 and 5 share the name alice: decision lines cannot tell them apart\n")
                .doesNotContain("s3cr3t").doesNotContain("readable");
        assertThat(err()).isEmpty();
    }

    @Test
    void checkFlagsFailClosedAuthentication() {
        assertThat(CheckCommand.check(new KnobSource(Map.of(), new Properties()), print(out), print(err))).isZero();
        assertThat(out()).contains("fail-closed: no token configured");
    }

    @Test
    void checkFailsWithTheAgentsOneLineForAnInvalidKnob() {
        Properties properties = new Properties();
        properties.setProperty("mcpguard.token", "bad token");
        assertThat(CheckCommand.check(new KnobSource(Map.of(), properties), print(out), print(err)))
                .isEqualTo(Main.INVALID_CONFIGURATION);
        assertThat(out()).isEmpty();
        assertThat(err().lines()).singleElement().asString().startsWith("mcpguard: invalid mcpguard.token=<redacted>");
    }

    @Test
    void checkTakesNoArguments() {
        assertThat(run("", "check", "extra")).isEqualTo(Main.USAGE);
    }

    @Test
    void attachValidatesItsArguments() {
        assertThat(run("", "attach")).isEqualTo(Main.USAGE);
        assertThat(run("", "attach", "12x")).isEqualTo(Main.USAGE);
        assertThat(run("", "attach", "1", "2")).isEqualTo(Main.USAGE);
    }

    @Test
    void attachHandsOverTheKnobsSetHereWithATokenFileMadeAbsolute() {
        Properties properties = new Properties();
        properties.setProperty("mcpguard.mode", "log-only");
        KnobSource source = new KnobSource(Map.of("MCPGUARD_MODE", "enforce", "MCPGUARD_TOKEN_FILE", "tokens.txt",
                "MCPGUARD_UNKNOWN", "x", "PATH", "/bin"), properties);

        assertThat(AttachCommand.knobs(source)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "MCPGUARD_MODE", "log-only",
                "MCPGUARD_TOKEN_FILE", java.nio.file.Path.of("tokens.txt").toAbsolutePath().toString()));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
