package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's A/B walkthrough, run as written: {@code integration-tests/ab/ab-demo.sh}. */
class ABWalkthroughIT {

    private static final List<String> REASONS = List.of("loopback  loopback_only", "origin    origin_not_allowed",
            "origin    host_not_allowed", "auth      missing_token", "auth      invalid_token", "auth      invalid_request",
            "body      body_too_large");

    @Test
    void theSameTrafficIsBlockedByTheEnforcingInstanceAndWouldBeByTheLogOnlyOne(@TempDir Path directory)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", Path.of("ab", "ab-demo.sh").toAbsolutePath().toString(),
                directory.toString()).redirectErrorStream(true);
        DemoServer.cleanEnvironment(builder.environment());
        builder.environment().put("AGENT_JAR", DemoServer.TestJars.agent().toString());
        builder.environment().put("DEMO_JAR", DemoServer.TestJars.demo(Stacks.Jar.DEMO).toString());
        builder.environment().put("PATH", Path.of(DemoServer.TestJars.java()).getParent() + ":" + System.getenv("PATH"));
        Process process = builder.start();
        LogLines output = LogLines.pump(process.getInputStream(), "ab-demo");
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished in time:%n%s", output).isTrue();
        output.awaitEnd(java.time.Duration.ofSeconds(10));
        String text = String.join("\n", output.all());

        assertThat(process.exitValue()).as(text).isZero();
        assertThat(output.all()).as(text)
                .contains("GET /health with the token                    200       200")
                .contains("GET /health with a wrong token                401       200")
                .contains("POST /upload of 100 KiB                       413       200")
                .contains("GET /inspector through a proxy                403       200");
        for (String reason : REASONS) {
            assertThat(output.all()).as(text)
                    .anyMatch(line -> line.matches(reason + " +blocked +1 +0 +1"))
                    .anyMatch(line -> line.matches(reason + " +would_block +0 +1 +1"));
        }
        assertThat(output.all()).as(text).anyMatch(line -> line.matches("enforce\\.log +7 +7 +0 +0 +\\d+"))
                .anyMatch(line -> line.matches("log-only\\.log +7 +0 +7 +0 +\\d+"));
    }
}
