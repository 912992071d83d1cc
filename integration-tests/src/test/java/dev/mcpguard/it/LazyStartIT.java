package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent installed the way containers install agents, {@code JAVA_TOOL_OPTIONS}, reaches every
 * JVM of the container: one that runs no server must not hear from it, an invalid knob must still
 * stop any of them, and one that binds a server socket starts it once (issue 12).
 */
class LazyStartIT {
    private static final String PICKED_UP = "Picked up JAVA_TOOL_OPTIONS";

    record Run(int code, List<String> stdout, List<String> stderr) {
        /** stderr without the JVM's own note that it read JAVA_TOOL_OPTIONS. */
        List<String> agentLines() {
            return stderr.stream().filter(line -> !line.startsWith(PICKED_UP)).toList();
        }
    }

    private static Run run(Map<String, String> knobs, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(DemoServer.TestJars.java()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        DemoServer.cleanEnvironment(builder.environment());
        builder.environment().put("JAVA_TOOL_OPTIONS", "-javaagent:" + DemoServer.TestJars.agent());
        builder.environment().putAll(knobs);
        Process process = builder.start();
        LogLines stdout = LogLines.pump(process.getInputStream(), "lazy-stdout");
        LogLines stderr = LogLines.pump(process.getErrorStream(), "lazy-stderr");
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the JVM exits").isTrue();
        stdout.awaitEnd(java.time.Duration.ofSeconds(10));
        stderr.awaitEnd(java.time.Duration.ofSeconds(10));
        return new Run(process.exitValue(), stdout.all(), stderr.all());
    }

    @Test
    void aJvmThatRunsNoServerPrintsNothingFromTheAgentAndLeavesTheBootstrapPathAlone() throws Exception {
        // No token knob: a started agent would print the fail-closed ERROR.
        Run run = run(Map.of(), "-version");

        assertThat(run.code()).isZero();
        assertThat(run.agentLines()).as("stderr").noneMatch(line -> line.contains("mcpguard"))
                .noneMatch(line -> line.contains("bootstrap classpath has been appended"))
                .anyMatch(line -> line.contains("version"));
    }

    @Test
    void anInvalidKnobStillStopsAJvmThatRunsNoServer() throws Exception {
        Run run = run(Map.of("MCPGUARD_MODE", "block"), "-version");

        assertThat(run.code()).as("exit status").isEqualTo(78);
        assertThat(run.agentLines()).as("stderr").singleElement().satisfies(line ->
                assertThat(line).contains("MCPGUARD_MODE", "block").doesNotContain("Exception", "FATAL"));
    }

    @Test
    void aServerSocketStartsTheAgentOnceAndTheBindGateJudgesIt(@TempDir Path directory) throws Exception {
        Path program = directory.resolve("BindAll.java");
        Files.writeString(program, """
                public class BindAll {
                    public static void main(String[] arguments) throws Exception {
                        try (var socket = new java.net.ServerSocket()) {
                            socket.bind(new java.net.InetSocketAddress("0.0.0.0", 0));
                            System.out.println("BOUND " + socket.getInetAddress().getHostAddress());
                        }
                    }
                }
                """);

        // An IPv6 literal in a knob: the bundled IP address library must find its messages once the agent starts.
        Run run = run(Map.of("MCPGUARD_NO_AUTH", "1", "MCPGUARD_ALLOWED_HOSTS", "[::1],localhost"), program.toString());

        assertThat(run.code()).as("exit status; stderr: %s", run.stderr()).isZero();
        assertThat(run.stdout()).as("the BIND gate narrowed the wildcard bind").containsExactly("BOUND 127.0.0.1");
        assertThat(run.agentLines()).as("one banner").filteredOn(line -> line.contains("mcpguard - mcpguard ")
                && line.contains(" started")).hasSize(1);
        assertThat(run.agentLines()).as("the bind hook").anyMatch(line -> line.contains("instrumented bind: "))
                .noneMatch(line -> line.contains("is missing"));
    }

    @Test
    void theSourceLauncherAloneStartsNothing(@TempDir Path directory) throws Exception {
        Path program = directory.resolve("Hello.java");
        Files.writeString(program, "public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }");

        Run run = run(Map.of(), program.toString());

        assertThat(run.code()).isZero();
        assertThat(run.stdout()).containsExactly("hello");
        assertThat(run.agentLines()).as("stderr").noneMatch(line -> line.contains("mcpguard"));
    }
}
