package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.fail;

import dev.mcpguard.it.DemoServer.TestJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A small server's JVM under the agent ({@link ListenerServers}, say): started, until it says whether it listens, and stopped. */
final class ListenerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration END_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final LogLines stdout;
    private final LogLines stderr;
    private final String said;

    private ListenerProcess(Process process, LogLines stdout, LogLines stderr, String said) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.said = said;
    }

    /** A {@link ListenerServers} {@code kind}; {@code port} 0 for an ephemeral one. */
    static ListenerProcess start(String kind, String host, int port, Map<String, String> env) {
        return start(ListenerServers.class, List.of(kind, host, Integer.toString(port)), env);
    }

    /** A server whose {@code main} prints {@code LISTENING … :<port>} or {@code NOT STARTED …}. */
    static ListenerProcess start(Class<?> main, List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return start(main.getSimpleName(), command, env);
    }

    /**
     * A one-file app in {@code integration-tests/src/test/apps} (property {@code mcpguard.test.apps}) run by the
     * java launcher from source on integration-tests/listener-apps' jars (property {@code mcpguard.listener.apps}),
     * whose servers' Netty and Kotlin cannot share the test class path.
     */
    static ListenerProcess startApp(String app, Map<String, String> env) {
        return start(app, List.of(Path.of(System.getProperty("mcpguard.listener.apps")) + "/*",
                Path.of(System.getProperty("mcpguard.test.apps"), app + ".java").toString()), env);
    }

    /** {@code classPathAndMain}: the class path, then the main class or source file and its arguments. */
    private static ListenerProcess start(String kind, List<String> classPathAndMain, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(TestJars.java(), "-javaagent:" + TestJars.agent(), "-cp"));
        command.addAll(classPathAndMain);
        ProcessBuilder builder = new ProcessBuilder(command);
        DemoServer.cleanEnvironment(builder.environment());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LogLines stdout = LogLines.pump(process.getInputStream(), "listener-stdout-" + kind);
        LogLines stderr = LogLines.pump(process.getErrorStream(), "listener-stderr-" + kind);
        var line = stdout.await(0, text -> text.startsWith("LISTENING ") || text.startsWith("NOT STARTED "), START_TIMEOUT);
        if (line.isEmpty()) {
            DemoServer.stop(process);
            fail("%s did not say whether it listens within %s%nstdout:%n%s%nstderr:%n%s", kind, START_TIMEOUT, stdout, stderr);
        }
        return new ListenerProcess(process, stdout, stderr, stdout.all().get(line.get()));
    }

    /** {@code LISTENING /127.0.0.1:40123} or {@code NOT STARTED <exception>}. */
    String said() {
        return said;
    }

    /** The port it listens on. */
    int port() {
        return Integer.parseInt(said.substring(said.lastIndexOf(':') + 1));
    }

    /** Waits for a stderr line. */
    String awaitStderr(Predicate<String> matches) {
        var index = stderr.await(0, matches, START_TIMEOUT);
        if (index.isEmpty()) {
            fail("no such stderr line within %s%nstderr:%n%s", START_TIMEOUT, stderr);
        }
        return stderr.all().get(index.get());
    }

    /** Stops the JVM (if it still runs) and returns all it wrote on stderr. */
    List<String> stopAndReadStderr() {
        close();
        stdout.awaitEnd(END_TIMEOUT);
        stderr.awaitEnd(END_TIMEOUT);
        return stderr.all();
    }

    /** The exit status of a JVM that ended by itself. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            fail("still running: %s", said);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        DemoServer.stop(process);
    }
}
