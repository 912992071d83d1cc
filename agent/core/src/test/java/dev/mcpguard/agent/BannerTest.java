package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The banner's token file part: its entries (a long file cut short) and its warnings. */
class BannerTest {
    @TempDir
    Path dir;

    private Config config(int entries, String extra) throws IOException {
        StringBuilder content = new StringBuilder(extra);
        for (int i = 1; i <= entries; i++) {
            content.append("token-").append(i).append(" name=client-").append(i).append('\n');
        }
        Path file = Files.writeString(dir.resolve("tokens"), content, StandardCharsets.UTF_8);
        return Config.load(new KnobSource(Map.of("MCPGUARD_TOKEN_FILE", file.toString()), new Properties()));
    }

    @Test
    void aLongTokenFileShowsTwentyEntriesAndSaysHowManyMore() throws IOException {
        List<String> shown = Banner.tokenFileEntries(config(25, ""));

        assertThat(shown).hasSize(21);
        assertThat(shown.get(19)).startsWith("token file line 20: name=client-20 ");
        assertThat(shown.get(20)).isEqualTo("... and 5 more token file entries (`check` lists them all)");
        assertThat(Banner.tokenFileEntries(config(20, ""))).hasSize(20).last().asString().startsWith("token file line 20:");
    }

    @Test
    void theBannerPrintsTheEntriesAndOneWarnLinePerTokenFileWarning() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Config config = config(1, "expired-token name=gone expires=2001-01-01\n");

        Banner.print(new OperatorLog(new PrintStream(out, true, StandardCharsets.UTF_8)), "test", "started", config, List.of());

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("\n  token file line 1: name=gone expires=2001-01-01", "\n  token file line 2: name=client-1 ")
                .containsPattern("(?m) WARN mcpguard - token file line 1 \\(gone\\) expired at 2001-01-02T00:00:00Z: it is refused$")
                .doesNotContain("expired-token").doesNotContain("token-1\n");
    }
}
