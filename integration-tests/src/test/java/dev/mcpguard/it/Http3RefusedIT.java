package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.DemoServer.TestJars;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP/3 cannot be gated, so it is refused, never served ungated (design §4): a Netty QUIC server
 * codec, as Reactor Netty's {@code HTTP3} builds it, does not build under the agent, and one ERROR
 * line names the class that asked for it. The same server starts without the agent, and with
 * every gate off.
 */
class Http3RefusedIT {

    private static final String ERROR = "ERROR mcpguard - refused a QUIC (HTTP/3) server codec built by "
            + Http3Server.class.getName() + ": mcpguard cannot gate QUIC";

    @Test
    void startsWithoutTheAgent() throws Exception {
        Run run = run(false, Map.of());
        assertThat(run.stdout()).anyMatch(line -> line.startsWith("LISTENING "));
    }

    @Test
    void isRefusedWithOneErrorLineUnderTheAgent() throws Exception {
        Run run = run(true, Map.of("MCPGUARD_TOKEN", "t0ken"));
        assertThat(run.exit()).isEqualTo(Http3Server.NOT_STARTED);
        assertThat(run.stdout()).containsExactly("NOT STARTED mcpguard: QUIC (HTTP/3) server refused: mcpguard cannot gate QUIC");
        assertThat(run.stderr()).filteredOn(line -> line.contains(" ERROR ")).hasSize(1)
                .allMatch(line -> line.contains(ERROR));
    }

    @Test
    void startsUnderTheAgentWhenEveryGateIsOff() throws Exception {
        Run run = run(true, Map.of("MCPGUARD_MODE", "off"));
        assertThat(run.stdout()).anyMatch(line -> line.startsWith("LISTENING "));
        assertThat(run.stderr()).noneMatch(line -> line.contains("QUIC"));
    }

    record Run(Integer exit, List<String> stdout, List<String> stderr) {}

    /** Runs {@link Http3Server} until it says whether it listens; a listening one is stopped. */
    private static Run run(boolean agent, Map<String, String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TestJars.java()));
        if (agent) {
            command.add("-javaagent:" + TestJars.agent());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Http3Server.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        DemoServer.cleanEnvironment(builder.environment());
        builder.environment().putAll(env);
        Process process = builder.start();
        LogLines stdout = LogLines.pump(process.getInputStream(), "h3-stdout");
        LogLines stderr = LogLines.pump(process.getErrorStream(), "h3-stderr");
        try {
            stdout.await(0, line -> line.startsWith("LISTENING ") || line.startsWith("NOT STARTED "),
                    java.time.Duration.ofSeconds(30));
        } finally {
            DemoServer.stop(process);
        }
        process.waitFor(10, TimeUnit.SECONDS);
        stdout.awaitEnd(java.time.Duration.ofSeconds(10));
        stderr.awaitEnd(java.time.Duration.ofSeconds(10));
        return new Run(process.isAlive() ? null : process.exitValue(), stdout.all(), stderr.all());
    }
}
