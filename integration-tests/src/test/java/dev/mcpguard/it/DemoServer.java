package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.fail;

import dev.mcpguard.it.Stacks.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo app in a child JVM with the agent attached, listening on a free port (on 127.0.0.1 unless the
 * {@link Launch} says otherwise; the suite's own requests go to that address, or to loopback for a wildcard).
 * Its stdout and stderr are captured for the whole life of the process.
 */
final class DemoServer implements AutoCloseable {

    /**
     * A ceiling, not an expectation: a JVM with the agent starts in a few seconds, but the suites start every
     * stack at once on a 2-core machine (a TLS start waited 21 s for its CPU there).
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOG_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Inherited variables removed from the child's environment, like a developer's {@code MCPGUARD_*}
     * settings: they would change the child JVM behind the test's back, and print "Picked up …" on stderr,
     * which would break the exact-stderr assertions.
     */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    /**
     * Under {@code /health}, which every stack hands to the agent: the JDK's server gates only paths under one of
     * its contexts, and answers the others itself.
     */
    private static final String SENTINEL_PREFIX = "/health/mcpguard-it-sentinel-";
    private static final AtomicInteger SENTINELS = new AtomicInteger();

    static {
        // a test JVM that is stopped (a timeout, Ctrl-C) must not leave servers behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly)));
    }

    private final Stack stack;
    private final Launch launch;
    private final Process process;
    private final LogLines stdout;
    private final LogLines stderr;
    private final int port;
    /** Set once a sentinel went unlogged: later ones would only wait as long again, so they fail at once. */
    private volatile boolean sentinelLost;

    private DemoServer(Stack stack, Launch launch, Process process, LogLines stdout, LogLines stderr, int port) {
        this.stack = stack;
        this.launch = launch;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
    }

    /** Starts the demo app on {@code stack} and waits until it says it is listening. */
    static DemoServer start(Stack stack, Launch launch) {
        return start(stack, launch, START_TIMEOUT);
    }

    /** As {@link #start(Stack, Launch)}, waiting at most {@code timeout} for it to listen. */
    static DemoServer start(Stack stack, Launch launch, Duration timeout) {
        Process process = spawn(stack, launch);
        LogLines stdout = LogLines.pump(process.getInputStream(), "demo-stdout-" + stack);
        LogLines stderr = LogLines.pump(process.getErrorStream(), "demo-stderr-" + stack);
        // §8: "LISTENING <host>:<port> <stack>", the host as asked
        Pattern listening = Pattern.compile("LISTENING " + Pattern.quote(launch.host()) + ":(\\d+) " + Pattern.quote(stack.name()));
        var line = stdout.await(0, text -> listening.matcher(text).matches(), timeout);
        if (line.isEmpty()) {
            process.destroyForcibly();
            fail("%s did not print LISTENING within %s%nstdout:%n%s%nstderr:%n%s", stack, timeout, stdout, stderr);
        }
        Matcher port = listening.matcher(stdout.all().get(line.get()));
        port.matches(); // true: the line was chosen by this pattern
        return new DemoServer(stack, launch, process, stdout, stderr, Integer.parseInt(port.group(1)));
    }

    /** What a JVM that is expected to refuse to start left behind. */
    record Exit(int code, List<String> stdout, List<String> stderr) {}

    /** Starts the demo app expecting the JVM to exit by itself (an invalid knob), and waits for it to exit. */
    static Exit runToExit(Stack stack, Launch launch) {
        Process process = spawn(stack, launch);
        LogLines stdout = LogLines.pump(process.getInputStream(), "demo-stdout-exit");
        LogLines stderr = LogLines.pump(process.getErrorStream(), "demo-stderr-exit");
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the JVM did not exit within %s%nstdout:%n%s%nstderr:%n%s", EXIT_TIMEOUT, stdout, stderr);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        // the pumps may still hold the last lines: wait until both streams have ended
        stdout.awaitEnd(EXIT_TIMEOUT);
        stderr.awaitEnd(EXIT_TIMEOUT);
        return new Exit(process.exitValue(), stdout.all(), stderr.all());
    }

    private static Process spawn(Stack stack, Launch launch) {
        return spawn(stack, launch, 0);
    }

    /** The demo app's JVM as {@code launch} says, asking for {@code port} (0: any free one). */
    static Process spawn(Stack stack, Launch launch, int port) {
        List<String> command = new ArrayList<>(launch.prefix());
        command.add(TestJars.java());
        if (launch.agent()) {
            command.add("-javaagent:" + TestJars.agent());
        }
        command.addAll(List.of("-jar", TestJars.demo(stack.jar()).toString(),
                "--stack=" + stack.name(), "--port=" + port, "--host=" + launch.host()));
        if (launch.trustForwarded()) {
            command.add("--trust-forwarded");
        }
        if (launch.transport().option != null) {
            command.add(launch.transport().option);
        }
        command.addAll(launch.options());
        ProcessBuilder builder = new ProcessBuilder(command);
        cleanEnvironment(builder.environment());
        builder.environment().putAll(launch.env());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Removes what would change a child JVM behind the test's back (see {@link #JVM_OPTION_VARIABLES}). */
    static void cleanEnvironment(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("MCPGUARD_") || JVM_OPTION_VARIABLES.contains(name));
    }

    /** Stops a JVM: politely first, then forcibly, so that a hung one cannot outlive the build. */
    static void stop(Process process) {
        // ProcessHandle only signals: Process.destroy also closes the pipes, and what the pumps have not read
        // yet is lost (seen: the ERROR line of a JVM that was exiting by itself, on a loaded machine).
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    Stack stack() {
        return stack;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    LogLines stderr() {
        return stderr;
    }

    /** A mark for {@link #decisionsSince(int)}: where stderr is now. */
    int mark() {
        return stderr.size();
    }

    /** Whether the port speaks TLS only: the HTTP/1.1 requests of {@link #exchange} then go over TLS. */
    boolean tls() {
        return launch.transport() == Launch.Transport.TLS;
    }

    /**
     * Sends one request on a new connection (HTTP/1.1, over TLS if the port speaks TLS) and collects the decision
     * lines it caused.
     */
    Exchange exchange(Request request) {
        int mark = mark();
        RawResponse response = send(request);
        return new Exchange(response, decisionsSince(mark), stack);
    }

    /** One request on a new connection, after the PROXY header a loopback relay would send where the port wants one. */
    private RawResponse send(Request request) {
        if (launch.transport() != Launch.Transport.PROXY) {
            return RawHttp.exchange(address(), port, tls(), request);
        }
        try (RawHttp http = RawHttp.connect(port)) {
            http.send(ProxyProtocol.v1("127.0.0.1", "127.0.0.1", 40000, port));
            http.send(request.bytes(port));
            return http.readResponse();
        }
    }

    /** Where the server listens: the address the launch asked for (an IP literal), loopback for a wildcard. */
    private InetAddress address() {
        try {
            InetAddress listening = InetAddress.getByName(launch.host());
            return listening.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : listening;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the launch's host is not an address: " + launch.host(), e);
        }
    }

    /** The port of the demo's AJP connector ({@link Launch.Transport#AJP}), from its {@code LISTENING-AJP} line. */
    int ajpPort() {
        Pattern listening = Pattern.compile("LISTENING-AJP " + Pattern.quote(launch.host()) + ":(\\d+) "
                + Pattern.quote(stack.name()));
        for (String line : stdout.all()) {
            Matcher matcher = listening.matcher(line);
            if (matcher.matches()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new AssertionError(this + " announced no AJP port; stdout:\n" + stdout);
    }

    /**
     * The decision lines logged since {@code mark} (see {@link #mark()}), taken before the requests.
     *
     * <p>A decision may be written just after its response, so "no line" or "exactly these lines" cannot be
     * read at once. Instead a sentinel request that the ORIGIN gate always refuses ({@code Origin: null}) is
     * sent after them, on a path of its own: once its line is there, the lines of the requests before it are
     * too. Sentinel lines themselves are never returned.
     */
    List<Decision> decisionsSince(int mark) {
        if (sentinelLost) {
            fail("an earlier sentinel request got no decision line on %s: its decision log cannot be read", this);
        }
        String sentinel = SENTINEL_PREFIX + SENTINELS.incrementAndGet();
        send(Request.get(sentinel).header("Origin", "null"));
        var sentinelLine = stderr.await(mark, line -> Decision.parse(line)
                .filter(d -> sentinel.equals(d.path())).isPresent(), LOG_TIMEOUT);
        if (sentinelLine.isEmpty()) {
            sentinelLost = true;
            fail("no decision line for the sentinel request %s within %s (is the ORIGIN gate on?)%nstderr:%n%s",
                    sentinel, LOG_TIMEOUT, stderr);
        }
        return stderr.since(mark).subList(0, sentinelLine.get() - mark).stream()
                .flatMap(line -> Decision.parse(line).stream())
                .filter(d -> d.path() == null || !d.path().startsWith(SENTINEL_PREFIX))
                .toList();
    }

    /** Waits for a stderr line, from the start of the process, that contains all of {@code parts}. */
    String awaitStderrLine(String... parts) {
        var index = stderr.await(0, line -> List.of(parts).stream().allMatch(line::contains), LOG_TIMEOUT);
        if (index.isEmpty()) {
            fail("no stderr line containing %s within %s%nstderr:%n%s", List.of(parts), LOG_TIMEOUT, stderr);
        }
        return stderr.all().get(index.get());
    }

    @Override
    public void close() {
        stop(process);
    }

    @Override
    public String toString() {
        return stack + " on port " + port;
    }

    /**
     * The jars under test and the JVM to run them, as the build passes them in. Each jar is copied aside on first
     * use and run from the copy for the rest of the run: every server of a run runs the same build, even when the
     * module is rebuilt (or cleaned) while the suite runs.
     */
    static final class TestJars {

        private static final Map<String, Path> SNAPSHOTS = new HashMap<>();

        private TestJars() {}

        static String java() {
            return System.getProperty("mcpguard.test.java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }

        static Path agent() {
            return existing("mcpguard.agent.jar");
        }

        /** The demo jar that serves a stack. */
        static Path demo(Stacks.Jar jar) {
            return existing(jar.property);
        }

        /** The OAuth 2.1 authorization server ({@link AuthServer}). */
        static Path authServer() {
            return existing("mcpguard.authserver.jar");
        }

        private static synchronized Path existing(String property) {
            Path snapshot = SNAPSHOTS.get(property);
            if (snapshot == null) {
                snapshot = snapshot(built(property));
                SNAPSHOTS.put(property, snapshot);
            }
            return snapshot;
        }

        private static Path snapshot(Path jar) {
            try {
                Path directory = Files.createTempDirectory("mcpguard-it-jars-");
                directory.toFile().deleteOnExit(); // deleted in reverse order: after the copy
                Path copy = Files.copy(jar, directory.resolve(jar.getFileName()));
                copy.toFile().deleteOnExit();
                return copy;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + jar + " aside", e);
            }
        }

        private static Path built(String property) {
            String value = System.getProperty(property);
            if (value == null) {
                throw new IllegalStateException("system property " + property + " is not set: run the suite with `mvn verify`");
            }
            Path jar = Path.of(value).normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " does not exist: build the agent and demo-app modules first");
            }
            return jar;
        }
    }
}
