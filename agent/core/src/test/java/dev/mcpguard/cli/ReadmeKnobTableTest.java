package dev.mcpguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.config.Knob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README's knob table is the {@link Knob} definitions, row for row. When a knob changes, paste
 * the table this test prints on failure into README.md.
 */
class ReadmeKnobTableTest {
    private static final String HEADER = "| knob | default | meaning |";

    /** The table as README.md must show it. */
    static List<String> expectedTable() {
        List<String> rows = new ArrayList<>();
        rows.add(HEADER);
        rows.add("|---|---|---|");
        for (Knob<?> knob : Knob.all()) {
            rows.add("| `" + knob.envName() + "` | " + Help.defaultText(knob) + " | " + knob.description() + " |");
        }
        return rows;
    }

    @Test
    void readmeListsEveryKnobAsDefined() throws IOException {
        List<String> expected = expectedTable();

        assertThat(readmeTable())
                .as("README.md's knob table differs from the Knob definitions; paste this one:%n%n%s%n", String.join(System.lineSeparator(), expected))
                .isEqualTo(expected);
    }

    /** The rows from the table's header line to the first line that is not a table row. */
    private static List<String> readmeTable() throws IOException {
        List<String> lines = Files.readAllLines(readme(), StandardCharsets.UTF_8);
        int start = lines.indexOf(HEADER);
        assertThat(start).as("README.md has a line %s", HEADER).isNotNegative();
        List<String> table = new ArrayList<>();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            table.add(lines.get(i));
        }
        return table;
    }

    /** README.md of the repository this module is built in: the first one above the working directory. */
    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path readme = dir.resolve("README.md");
            if (Files.isRegularFile(readme) && Files.isDirectory(dir.resolve("agent"))) {
                return readme;
            }
        }
        throw new AssertionError("no README.md next to an agent/ directory above " + Path.of("").toAbsolutePath());
    }
}
