package dev.mcpguard.agent;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * How {@code attach} hands the knobs to the agent in the running JVM and gets its report back:
 * files in a directory only the user can open. Attaching needs the target JVM's user anyway, so
 * nobody who could not attach can read the tokens.
 */
public final class AttachHandover {
    /** The first and only report line of an attach that changed nothing, before the reason. */
    public static final String FAILED = "FAILED: ";
    private static final String KNOBS = "knobs.properties";
    private static final String REPORT = "report.txt";

    private AttachHandover() {
    }

    public static Path create(Map<String, String> knobs) throws IOException {
        Path directory;
        try {
            directory = Files.createTempDirectory("mcpguard-attach-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            directory = Files.createTempDirectory("mcpguard-attach-");
        }
        Properties properties = new Properties();
        properties.putAll(knobs);
        try (Writer out = Files.newBufferedWriter(directory.resolve(KNOBS), StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
        return directory;
    }

    static Map<String, String> readKnobs(Path directory) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(directory.resolve(KNOBS), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        Map<String, String> knobs = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            knobs.put(name, properties.getProperty(name));
        }
        return knobs;
    }

    static void writeReport(Path directory, List<String> lines) throws IOException {
        Files.write(directory.resolve(REPORT), lines, StandardCharsets.UTF_8);
    }

    /** The agent's report, empty when it wrote none (it did not start). */
    public static List<String> readReport(Path directory) throws IOException {
        Path report = directory.resolve(REPORT);
        return Files.exists(report) ? Files.readAllLines(report, StandardCharsets.UTF_8) : List.of();
    }

    public static void delete(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }
}
