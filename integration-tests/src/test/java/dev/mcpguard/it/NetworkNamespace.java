package dev.mcpguard.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A peer that really is not loopback: a network namespace joined to the host by a veth pair, host side
 * {@value #HOST_ADDRESS}/30, namespace side {@value #PEER_ADDRESS}/30 (RFC 2544 benchmarking addresses, routed
 * nowhere: the only traffic is between these two addresses and loopback). A test class registers it with
 * {@code @RegisterExtension static final NetworkNamespace NAMESPACE = new NetworkNamespace();}; it is created
 * before the class's first test, shared by all of them, and torn down after the last one, also when tests
 * failed, and by a shutdown hook when the test JVM is stopped. Leftovers of a run that was killed before it
 * could tear down (a namespace or link of a process that no longer exists) are removed first.
 *
 * <p>Creating it takes root and iproute2's {@code ip}. Where the machine cannot (not root, no {@code ip}, no
 * namespaces in a container), each of the class's tests is skipped with the reason, unless the system property
 * {@value #REQUIRE} is {@code true} (CI, which runs as root): then they fail.
 *
 * <p>Two builds on one machine would fight over the same addresses, so the namespace is held under a file lock
 * for its whole life: a second build waits.
 */
final class NetworkNamespace implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** The host side of the veth pair: a server listening here is reachable from the namespace. */
    static final String HOST_ADDRESS = "198.18.0.1";
    /** The namespace side: the TCP peer address the server sees for requests from {@link #peer()}. */
    static final String PEER_ADDRESS = "198.18.0.2";
    private static final String PREFIX_LENGTH = "/30";

    /** {@code -Dmcpguard.it.require.netns=true}: a machine that cannot create the namespace fails the tests. */
    static final String REQUIRE = "mcpguard.it.require.netns";

    private static final String NAME_PREFIX = "mcpg-";
    /** veth names: at most 15 characters, so {@code mcpg<pid>h} / {@code mcpg<pid>n} (pids have at most 7 digits). */
    private static final Pattern OUR_NAMESPACE = Pattern.compile(Pattern.quote(NAME_PREFIX) + "(\\d+)");
    private static final Pattern OUR_LINK = Pattern.compile("mcpg(\\d+)[hn]");

    private static final Path LOCK_FILE = Path.of(System.getProperty("java.io.tmpdir"), "mcpguard-it-netns.lock");
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration LINK_TIMEOUT = Duration.ofSeconds(10);

    private final long pid = ProcessHandle.current().pid();
    private final String name = NAME_PREFIX + pid;
    private final String hostLink = "mcpg" + pid + "h";
    private final String peerLink = "mcpg" + pid + "n";

    private String ip;
    private FileChannel lockChannel;
    private FileLock lock;
    private Thread shutdownHook;
    private RemoteClient peer;
    /** Why the namespace could not be created, while the tests of the class are being skipped. */
    private String unavailable;

    /** The namespace's name, for {@code ip netns exec}. */
    String name() {
        return name;
    }

    /** The command prefix that runs a program inside the namespace. */
    List<String> exec() {
        return List.of(ip, "netns", "exec", name);
    }

    /** The client inside the namespace, started on first use and stopped with the namespace. */
    synchronized RemoteClient peer() {
        if (lock == null) {
            throw new IllegalStateException("the network namespace is not set up (register it with @RegisterExtension)");
        }
        if (peer == null) {
            peer = RemoteClient.start(this);
        }
        return peer;
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        setUp().ifPresent(why -> cannotRun(context, why));
    }

    /**
     * The namespace cannot serve the tests of {@code context} ({@code why}): each is skipped, or, with
     * {@value #REQUIRE}, this fails. Also for what a user of the namespace could not add to it.
     */
    synchronized void cannotRun(ExtensionContext context, String why) {
        String reason = "cannot set up a network namespace, so the tests of " + context.getDisplayName()
                + " cannot run: " + why;
        if (Boolean.getBoolean(REQUIRE)) {
            throw new AssertionError(reason + " (" + REQUIRE + "=true: these tests must run here; run them as root"
                    + " with CAP_SYS_ADMIN and CAP_NET_ADMIN)");
        }
        unavailable = reason + " (run them as root, with CAP_SYS_ADMIN and CAP_NET_ADMIN; " + REQUIRE
                + "=true turns this skip into a failure)";
        System.err.println("SKIPPED: " + unavailable);
    }

    /** Whether the namespace exists and the tests can use it. */
    synchronized boolean ready() {
        return lock != null && unavailable == null;
    }

    /** Runs {@code ip -n <namespace> <arguments>}: iproute2 inside the namespace. */
    Result ipInside(String... arguments) {
        List<String> command = new ArrayList<>(List.of(ip, "-n", name));
        command.addAll(List.of(arguments));
        return run(command.toArray(String[]::new));
    }

    /** Whether {@code namespace} is one of these tests' namespaces whose process is gone (or this process's own). */
    boolean isLeftoverNamespace(String namespace) {
        Matcher ours = OUR_NAMESPACE.matcher(namespace);
        return ours.matches() && isLeftover(ours.group(1));
    }

    /** Skips each test rather than the class, so that the report counts them as skipped and says why. */
    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (unavailable != null) {
            Assumptions.abort(unavailable);
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        unavailable = null;
        List<String> problems = tearDown();
        if (!problems.isEmpty()) {
            throw new AssertionError("the network namespace " + name + " was not torn down cleanly:\n" + String.join("\n", problems));
        }
    }

    /** Creates everything; on failure leaves nothing behind and returns why. */
    private Optional<String> setUp() {
        if (lock != null) {
            return Optional.empty(); // already set up (registered twice)
        }
        Optional<String> ipCommand = findIp();
        if (ipCommand.isEmpty()) {
            return Optional.of("no `ip` command (iproute2) on the PATH or in /usr/sbin, /sbin");
        }
        ip = ipCommand.get();
        String user = ProcessHandle.current().info().user().orElse("?");
        acquireLock();
        try {
            removeLeftovers();
            Optional<String> taken = addressInUse();
            if (taken.isPresent()) {
                release();
                return taken;
            }
            Result add = run(ip, "netns", "add", name);
            if (!add.ok()) {
                release();
                return Optional.of("`ip netns add " + name + "` failed as user " + user + ": " + add.output());
            }
            shutdownHook = new Thread(this::tearDown, "mcpguard-netns-teardown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            for (List<String> step : List.of(
                    List.of(ip, "link", "add", hostLink, "type", "veth", "peer", "name", peerLink),
                    List.of(ip, "link", "set", peerLink, "netns", name),
                    List.of(ip, "addr", "add", HOST_ADDRESS + PREFIX_LENGTH, "dev", hostLink),
                    List.of(ip, "link", "set", hostLink, "up"),
                    List.of(ip, "-n", name, "addr", "add", PEER_ADDRESS + PREFIX_LENGTH, "dev", peerLink),
                    List.of(ip, "-n", name, "link", "set", peerLink, "up"),
                    List.of(ip, "-n", name, "link", "set", "lo", "up"))) {
                Result result = run(step.toArray(String[]::new));
                if (!result.ok()) {
                    String why = "`" + String.join(" ", step) + "` failed as user " + user + ": " + result.output();
                    tearDown();
                    return Optional.of(why);
                }
            }
            Optional<String> down = awaitCarrier();
            if (down.isPresent()) {
                tearDown();
                return down;
            }
            return Optional.empty();
        } catch (RuntimeException | Error e) {
            tearDown();
            throw e;
        }
    }

    /** Both ends up with carrier, so that the first connection does not race the link. */
    private Optional<String> awaitCarrier() {
        long deadline = System.nanoTime() + LINK_TIMEOUT.toNanos();
        while (true) {
            Result host = run(ip, "-o", "link", "show", "dev", hostLink);
            Result inside = run(ip, "-n", name, "-o", "link", "show", "dev", peerLink);
            if (host.output().contains("LOWER_UP") && inside.output().contains("LOWER_UP")) {
                return Optional.empty();
            }
            if (System.nanoTime() > deadline) {
                return Optional.of("the veth pair did not come up within " + LINK_TIMEOUT + ": " + host.output() + " / " + inside.output());
            }
            sleep(50);
        }
    }

    /**
     * Removes namespaces and links of earlier runs whose process is gone (killed before it could tear down), and
     * this process's own (a class before this one that could not tear down). Those of a live build are left.
     */
    private void removeLeftovers() {
        for (String line : run(ip, "netns", "list").output().lines().toList()) {
            String namespace = line.strip().split("\\s+", 2)[0];
            if (isLeftoverNamespace(namespace)) {
                run(ip, "netns", "delete", namespace);
            }
        }
        for (String line : run(ip, "-o", "link", "show").output().lines().toList()) {
            // "7: mcpg123h@if6: <BROADCAST,…" (or "@NONE" while the peer is elsewhere)
            String[] fields = line.split(":\\s+", 3);
            if (fields.length < 2) {
                continue;
            }
            String link = fields[1].split("@", 2)[0];
            Matcher ours = OUR_LINK.matcher(link);
            if (ours.matches() && isLeftover(ours.group(1))) {
                run(ip, "link", "delete", link);
            }
        }
    }

    private boolean isLeftover(String pidText) {
        long owner;
        try {
            owner = Long.parseLong(pidText);
        } catch (NumberFormatException e) {
            return false;
        }
        return owner == pid || ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true);
    }

    /** Something that is not ours already has the host address: the tests would talk to it instead. */
    private Optional<String> addressInUse() {
        String taken = run(ip, "-o", "addr", "show", "to", HOST_ADDRESS + PREFIX_LENGTH).output().strip();
        return taken.isEmpty() ? Optional.empty()
                : Optional.of("the test addresses " + HOST_ADDRESS + PREFIX_LENGTH + " are already in use on this machine: " + taken);
    }

    /** Removes everything this instance created; returns what could not be removed (nothing, normally). */
    private synchronized List<String> tearDown() {
        List<String> problems = new ArrayList<>();
        if (peer != null) {
            peer.close();
            peer = null;
        }
        if (ip != null && lock != null) {
            if (run(ip, "netns", "list").output().lines().anyMatch(line -> line.strip().split("\\s+", 2)[0].equals(name))) {
                Result deleted = run(ip, "netns", "delete", name);
                if (!deleted.ok()) {
                    problems.add("`ip netns delete " + name + "`: " + deleted.output());
                }
            }
            // deleting the namespace deletes the veth end inside it, and with it the pair; this is for a pair
            // whose end never made it into the namespace
            if (run(ip, "-o", "link", "show", "dev", hostLink).ok()) {
                Result deleted = run(ip, "link", "delete", hostLink);
                if (!deleted.ok() && run(ip, "-o", "link", "show", "dev", hostLink).ok()) {
                    problems.add("`ip link delete " + hostLink + "`: " + deleted.output());
                }
            }
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (or ran) anyway
            }
            shutdownHook = null;
        }
        release();
        return problems;
    }

    private void acquireLock() {
        try {
            lockChannel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
            while ((lock = lockChannel.tryLock()) == null) {
                if (System.nanoTime() > deadline) {
                    lockChannel.close();
                    throw new IllegalStateException("another build held " + LOCK_FILE + " (and with it " + HOST_ADDRESS
                            + ") for more than " + LOCK_TIMEOUT);
                }
                sleep(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + LOCK_FILE, e);
        }
    }

    private void release() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // closing the channel releases the lock; nothing more to do
        } finally {
            lock = null;
            lockChannel = null;
        }
    }

    private static Optional<String> findIp() {
        return Stream.concat(
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)),
                        Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "ip"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst();
    }

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Runs a command to its end, stdout and stderr together; never throws for a failing command. */
    private static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + COMMAND_TIMEOUT);
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + PEER_ADDRESS + " -> " + HOST_ADDRESS + ")";
    }
}
