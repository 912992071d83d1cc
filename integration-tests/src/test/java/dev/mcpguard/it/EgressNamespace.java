package dev.mcpguard.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link NetworkNamespace} that also holds every outbound destination the EGRESS tests name, so that nothing a
 * test connects to can leave the machine, even when the gate fails: the namespace's {@code lo} holds the "remote"
 * addresses ({@link #DESTINATIONS}) besides 127.0.0.1 and ::1, and the namespace has no default route (only the
 * veth pair's /30 and these addresses are routable). {@code lo} rather than a dummy interface: every kernel has
 * it, while the dummy module is missing where modules cannot be loaded (containers; seen on CI's machine). A connection the gate fails to stop
 * lands on a listener of the {@link NamespaceRecorder}, which records it.
 *
 * <p>Names resolve through {@code /etc/netns/<namespace>/hosts} ({@link #HOSTS}), which {@code ip netns exec}
 * mounts over {@code /etc/hosts} for the programs it runs: a DNS name that resolves to a denied address, without
 * any DNS server. The file is removed at teardown (leftovers of killed runs, at the next set-up).
 *
 * <p>Registered like {@link NetworkNamespace}, and like it skips each test without root, or fails them with
 * {@value NetworkNamespace#REQUIRE}{@code =true}.
 */
final class EgressNamespace implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** The cloud metadata address: link-local, denied by {@code private}. */
    static final String METADATA = "169.254.169.254";
    /** A private (RFC 1918) host, denied by {@code private}. */
    static final String DATABASE = "10.0.0.1";
    /** Another private host, in a range an allow list can name without naming {@link #DATABASE}. */
    static final String NEIGHBOUR = "10.0.1.1";
    /** A unique local IPv6 address (fc00::/7), denied by {@code private}. */
    static final String UNIQUE_LOCAL = "fd00:ec2::254";
    /** The "public" destination: TEST-NET-2 (RFC 5737), in no range of {@code private}, reachable only here. */
    static final String PUBLIC = "198.51.100.7";

    static final List<String> DESTINATIONS = List.of(METADATA, DATABASE, NEIGHBOUR, UNIQUE_LOCAL, PUBLIC);

    static final String METADATA_NAME = "metadata.internal";
    static final String DATABASE_NAME = "db.internal";
    static final String PUBLIC_NAME = "public.example";

    /** The namespace's {@code /etc/hosts}: each name and its address. */
    static final Map<String, String> HOSTS = Map.of(METADATA_NAME, METADATA, DATABASE_NAME, DATABASE, PUBLIC_NAME, PUBLIC);

    /** Where {@code ip netns exec} takes the files it mounts over {@code /etc}, a directory per namespace. */
    private static final Path NETNS_ETC = Path.of("/etc/netns");

    private final NetworkNamespace namespace = new NetworkNamespace();

    /** The command prefix that runs a program inside the namespace (with its hosts file). */
    List<String> exec() {
        return namespace.exec();
    }

    /** Whether the namespace and its destinations exist and the tests can use them. */
    boolean ready() {
        return namespace.ready();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        namespace.beforeAll(context);
        if (namespace.ready()) {
            addDestinations().ifPresent(why -> namespace.cannotRun(context, why));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        namespace.beforeEach(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> problems = new ArrayList<>();
        try {
            deleteHostsFile(namespace.name());
        } catch (UncheckedIOException e) {
            problems.add(e.getMessage());
        }
        try {
            namespace.afterAll(context);
        } catch (AssertionError e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
    }

    /** {@link #DESTINATIONS} on {@code lo}, and the hosts file; empty when done, else why not. */
    private Optional<String> addDestinations() {
        List<List<String>> steps = new ArrayList<>();
        for (String address : DESTINATIONS) {
            steps.add(address.contains(":")
                    // nodad: usable at once, not "tentative" while duplicate address detection runs
                    ? List.of("addr", "add", address + "/128", "dev", "lo", "nodad")
                    : List.of("addr", "add", address + "/32", "dev", "lo"));
        }
        for (List<String> step : steps) {
            NetworkNamespace.Result result = namespace.ipInside(step.toArray(String[]::new));
            if (!result.ok()) {
                return Optional.of("`ip -n " + namespace.name() + " " + String.join(" ", step) + "` failed: " + result.output());
            }
        }
        NetworkNamespace.Result routes = namespace.ipInside("route", "show", "default");
        if (!routes.ok() || !routes.output().isEmpty()) {
            return Optional.of("the namespace must have no default route, so that nothing can leave it: " + routes.output());
        }
        NetworkNamespace.Result loopback = namespace.ipInside("-o", "addr", "show", "dev", "lo");
        if (!loopback.output().contains("inet 127.0.0.1/") || !loopback.output().contains("inet6 ::1/")) {
            return Optional.of("lo inside the namespace lacks 127.0.0.1 or ::1 (IPv6 disabled?): " + loopback.output());
        }
        try {
            removeLeftoverHostsFiles();
            Path directory = Files.createDirectories(NETNS_ETC.resolve(namespace.name()));
            StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n::1 localhost\n");
            HOSTS.forEach((name, address) -> hosts.append(address).append(' ').append(name).append('\n'));
            Files.writeString(directory.resolve("hosts"), hosts);
        } catch (IOException | UncheckedIOException e) {
            return Optional.of("cannot write " + NETNS_ETC.resolve(namespace.name()).resolve("hosts") + ": " + e);
        }
        return Optional.empty();
    }

    private void removeLeftoverHostsFiles() throws IOException {
        if (!Files.isDirectory(NETNS_ETC)) {
            return;
        }
        try (Stream<Path> entries = Files.list(NETNS_ETC)) {
            for (Path entry : entries.toList()) {
                if (namespace.isLeftoverNamespace(entry.getFileName().toString())) {
                    deleteHostsFile(entry.getFileName().toString());
                }
            }
        }
    }

    /** Deletes the hosts file of {@code namespaceName} and its directory, where they exist. */
    private static void deleteHostsFile(String namespaceName) {
        Path directory = NETNS_ETC.resolve(namespaceName);
        try {
            Files.deleteIfExists(directory.resolve("hosts"));
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    @Override
    public String toString() {
        return namespace + " with " + DESTINATIONS;
    }
}
