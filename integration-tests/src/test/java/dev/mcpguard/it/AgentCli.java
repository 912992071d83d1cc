package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar mcpguard-agent.jar <command>} in a child JVM, with a clean environment plus {@code env}. */
final class AgentCli {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What the command left behind. */
    record Result(int code, List<String> stdout, List<String> stderr) {

        String out() {
            return String.join("\n", stdout);
        }

        String err() {
            return String.join("\n", stderr);
        }

        @Override
        public String toString() {
            return "exit " + code + "\nstdout:\n" + out() + "\nstderr:\n" + err();
        }
    }

    private AgentCli() {}

    static Result run(Map<String, String> env, String stdin, String... args) {
        return runIn(null, env, stdin, args);
    }

    /** @param directory the working directory, {@code null} for the test's */
    static Result runIn(Path directory, Map<String, String> env, String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(DemoServer.TestJars.java(), "-jar", DemoServer.TestJars.agent().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        DemoServer.cleanEnvironment(builder.environment());
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            LogLines stdout = LogLines.pump(process.getInputStream(), "cli-stdout");
            LogLines stderr = LogLines.pump(process.getErrorStream(), "cli-stderr");
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("%s did not exit within %s%nstdout:%n%s%nstderr:%n%s", command, TIMEOUT, stdout, stderr);
            }
            stdout.awaitEnd(TIMEOUT);
            stderr.awaitEnd(TIMEOUT);
            return new Result(process.exitValue(), stdout.all(), stderr.all());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
