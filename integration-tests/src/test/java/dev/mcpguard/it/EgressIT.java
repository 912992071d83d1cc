package dev.mcpguard.it;

import static dev.mcpguard.it.EgressNamespace.DATABASE;
import static dev.mcpguard.it.EgressNamespace.DATABASE_NAME;
import static dev.mcpguard.it.EgressNamespace.METADATA;
import static dev.mcpguard.it.EgressNamespace.METADATA_NAME;
import static dev.mcpguard.it.EgressNamespace.NEIGHBOUR;
import static dev.mcpguard.it.EgressNamespace.PUBLIC;
import static dev.mcpguard.it.EgressNamespace.PUBLIC_NAME;
import static dev.mcpguard.it.EgressNamespace.UNIQUE_LOCAL;
import static dev.mcpguard.it.NetworkNamespace.PEER_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EGRESS gate (§12) on a real tool call: the demo's {@code fetch} tool, called over MCP, connects where the caller
 * says, and the agent decides on the address actually connected. The demo JVM runs inside an
 * {@link EgressNamespace}, which holds every destination (nothing can leave the machine even if the gate fails)
 * and a {@link NamespaceRecorder} listening on each, so each case also proves whether the connection was made.
 *
 * <p>The demo listens on the namespace's end of the veth pair ({@value NetworkNamespace#PEER_ADDRESS}, the BIND
 * gate told to allow it), and the test calls it from the host's end: the suite's own request helpers
 * ({@link DemoServer#exchange}, with its sentinel-ordered decision log) work unchanged, and the caller is a real
 * remote peer, as an MCP client of a hosted server is.
 *
 * <p>One demo JVM per stack and mode (enforce with an allow list, log-only, off), started together before the
 * first test and shared by the cases.
 */
class EgressIT {

    @RegisterExtension
    @Order(1)
    static final EgressNamespace NAMESPACE = new EgressNamespace();

    private static final String CALLER = "egress-caller";
    private static final String TOKEN = "egress-caller-token-6d1f";
    private static final Path TOKEN_FILE = tokenFile();

    /**
     * What the enforcing servers allow: a range that holds {@link EgressNamespace#NEIGHBOUR} but not
     * {@link EgressNamespace#DATABASE}, the database by its name on its port only, and any address on 8443.
     */
    private static final String ALLOW = "10.0.1.0/24," + DATABASE_NAME + ":5432,*:8443";

    /** How the EGRESS gate runs; the enforcing servers also have {@link #ALLOW}. */
    enum Mode {
        ENFORCE("enforce", "blocked"),
        LOG_ONLY("log-only", "would_block"),
        OFF("off", null);

        final String knob;
        /** The decision line's {@code event.action} for a denied destination; null: no line. */
        final String action;

        Mode(String knob, String action) {
            this.knob = knob;
            this.action = action;
        }
    }

    // DemoServers.perStack only so that the namespace's command prefix is read after the namespace exists
    @RegisterExtension
    @Order(2)
    static final DemoServers ENFORCING = DemoServers.perStack(stack -> launch(Mode.ENFORCE));

    @RegisterExtension
    @Order(3)
    static final DemoServers LOGGING = DemoServers.perStack(stack -> launch(Mode.LOG_ONLY));

    @RegisterExtension
    @Order(4)
    static final DemoServers OFF = DemoServers.perStack(stack -> launch(Mode.OFF));

    /** The default deny set, {@code self} included, on one stack: see {@link #thisHostsOwnAddressIsRefusedByDefault}. */
    @RegisterExtension
    @Order(5)
    static final DemoServers DEFAULT_DENY = DemoServers.perStack(stack -> launch(Mode.ENFORCE).without("MCPGUARD_EGRESS_DENY"));

    /** The recorder's listeners; port 0 on loopback: any free one. */
    private static final String LOOPBACK_V4 = "127.0.0.1:0";
    private static final String LOOPBACK_V6 = "[::1]:0";

    /**
     * One {@code fetch}: the URL ({@code {port}} stands for the recorder's port of {@code endpoint}), the recorder
     * listener it lands on, the deny range that matches it as the agent names it (a single address without a
     * prefix length; null: none, a public address) and whether
     * {@link #ALLOW} allows it.
     */
    record Destination(String url, String endpoint, String deniedBy, boolean listed) {

        String url(NamespaceRecorder recorder) {
            return url.replace("{port}", String.valueOf(recorder.port(endpoint)));
        }

        @Override
        public String toString() {
            return url + (listed ? " (allow-listed)" : "");
        }
    }

    static final List<Destination> DESTINATIONS = List.of(
            new Destination("http://" + METADATA + "/latest/meta-data/", METADATA + ":80", "169.254.0.0/16", false),
            new Destination("http://127.0.0.1:{port}/", LOOPBACK_V4, "127.0.0.0/8", false),
            new Destination("http://[::1]:{port}/", LOOPBACK_V6, "::1", false),
            new Destination("http://[" + UNIQUE_LOCAL + "]/", "[" + UNIQUE_LOCAL + "]:80", "fc00::/7", false),
            new Destination("http://" + DATABASE + "/", DATABASE + ":80", "10.0.0.0/8", false),
            // a name that resolves to a denied address is refused by its address
            new Destination("http://" + METADATA_NAME + "/", METADATA + ":80", "169.254.0.0/16", false),
            // allowed by name on 5432 only: the same host on another port, or by its address, is not
            new Destination("http://" + DATABASE_NAME + "/", DATABASE + ":80", "10.0.0.0/8", false),
            new Destination("http://" + DATABASE + ":5432/", DATABASE + ":5432", "10.0.0.0/8", false),
            new Destination("http://" + DATABASE_NAME + ":5432/", DATABASE + ":5432", "10.0.0.0/8", true),
            new Destination("http://" + NEIGHBOUR + "/", NEIGHBOUR + ":80", "10.0.0.0/8", true),
            new Destination("http://" + METADATA + ":8443/", METADATA + ":8443", "169.254.0.0/16", true),
            new Destination("http://" + PUBLIC_NAME + "/", PUBLIC + ":80", null, false));

    private static NamespaceRecorder recorder;
    /** Each SDK-transport server's MCP session, opened on first use. */
    private static final Map<DemoServer, String> SESSIONS = new ConcurrentHashMap<>();

    @BeforeAll
    static void startDestinationsAndServers() {
        if (!NAMESPACE.ready()) {
            return; // each test is skipped (or fails) with the namespace's reason
        }
        recorder = NamespaceRecorder.start(NAMESPACE, PEER_ADDRESS, DESTINATIONS.stream().map(Destination::endpoint)
                .distinct().toList());
        List<Stack> stacks = Stacks.all().toList();
        DemoServers.startAll(3, Map.of(ENFORCING, stacks, LOGGING, stacks, OFF, stacks, DEFAULT_DENY, stacks.subList(0, 1)));
    }

    @AfterAll
    static void stopDestinations() {
        if (recorder != null) {
            recorder.close();
            recorder = null;
        }
    }

    static Stream<Arguments> destinations() {
        return Stacks.times(DESTINATIONS);
    }

    /**
     * Enforce: a denied destination is refused before any connection is made, the tool's error names it, and
     * the line names the destination and the caller; an allowed one (public, or listed) is reached, with no line.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("destinations")
    void enforcingRefusesDeniedDestinationsAndReachesTheOthers(Stack stack, Destination destination) {
        if (destination.deniedBy() == null || destination.listed()) {
            reached(ENFORCING.on(stack), destination, Mode.ENFORCE);
        } else {
            refused(ENFORCING.on(stack), destination);
        }
    }

    /**
     * {@code self}, in the default deny set: an address of this host that no range covers (here the namespace's
     * "public" address, on its loopback interface) is refused, since whatever listens on the wildcard address
     * here answers on it.
     */
    @Test
    void thisHostsOwnAddressIsRefusedByDefault() {
        Stack stack = Stacks.all().findFirst().orElseThrow();
        refused(DEFAULT_DENY.on(stack), new Destination("http://" + PUBLIC_NAME + "/", PUBLIC + ":80", "self", false));
    }

    /** Log-only: every destination is reached, and each denied one (allow lists aside) gets a would_block line. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("destinations")
    void logOnlyReachesEveryDestinationAndLogsTheDeniedOnes(Stack stack, Destination destination) {
        reached(LOGGING.on(stack), destination, Mode.LOG_ONLY);
    }

    /** Off: every destination is reached and nothing is logged. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("destinations")
    void offReachesEveryDestinationSilently(Stack stack, Destination destination) {
        reached(OFF.on(stack), destination, Mode.OFF);
    }

    /** The banner's {@code egress:} line: the mode, the deny ranges ({@code private}, expanded) and the allow list. */
    @OnEachStack
    void theBannerListsTheDenyRangesAndTheAllowEntries(Stack stack) {
        String line = ENFORCING.on(stack).awaitStderrLine("egress:", "enforce");
        assertThat(line.strip()).as("the banner's egress line").startsWith("egress:")
                .contains("169.254.0.0/16", "10.0.0.0/8", "127.0.0.0/8", "fc00::/7", ",::1,")
                .contains("10.0.1.0/24", DATABASE_NAME + ":5432", "*:8443");
        LOGGING.on(stack).awaitStderrLine("egress:", "log-only");
    }

    /** Off: no hook, and the banner says of no egress mode that it is active. */
    @OnEachStack
    void offHasNoActiveEgressLineInTheBanner(Stack stack) {
        assertThat(OFF.on(stack).stderr().all()).as("the banner of a server with MCPGUARD_EGRESS_MODE=off")
                .noneMatch(line -> line.strip().startsWith("egress:") && (line.contains("enforce") || line.contains("log-only")));
    }

    private static void refused(DemoServer server, Destination destination) {
        String listener = recorder.listener(destination.endpoint());
        int hits = recorder.mark();

        Exchange ex = fetch(server, destination.url(recorder));

        ToolResult result = ToolResult.of(ex.response());
        assertThat(result.isError()).as("isError of %s", result).isTrue();
        assertThat(result.text()).as("the tool's error").contains("java.net.ConnectException: mcpguard: egress to " + listener + " refused");
        assertThat(recorder.hitsSince(hits)).as("connections the recorder accepted").isEmpty();
        egressLine(ex, Mode.ENFORCE, destination);
    }

    private static void reached(DemoServer server, Destination destination, Mode mode) {
        String listener = recorder.listener(destination.endpoint());
        int hits = recorder.mark();

        Exchange ex = fetch(server, destination.url(recorder));

        ToolResult result = ToolResult.of(ex.response());
        assertThat(result.isError()).as("isError of %s", result).isFalse();
        assertThat(result.text()).as("the tool's answer").isEqualTo("HTTP 200\nrecorder " + listener);
        assertThat(recorder.hitsSince(hits)).as("connections the recorder accepted").containsExactly(listener);
        boolean logged = mode.action != null && destination.deniedBy() != null
                && !(mode == Mode.ENFORCE && destination.listed());
        if (logged) {
            egressLine(ex, mode, destination);
        } else {
            assertThat(ex.decisions()).as("decision lines").isEmpty();
        }
    }

    /** One egress line for the destination, attributed to the tool call that made the connection. */
    private static void egressLine(Exchange ex, Mode mode, Destination destination) {
        String listener = recorder.listener(destination.endpoint());
        String address = listener.substring(0, listener.lastIndexOf(':')).replace("[", "").replace("]", "");
        int port = Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1));
        assertThat(ex.decisions()).as("decision lines").singleElement().satisfies(line -> {
            assertThat(line.action()).as("event.action of %s", line).isEqualTo(mode.action);
            assertThat(line.gate()).as("mcpguard.gate of %s", line).isEqualTo("egress");
            assertThat(line.reason()).as("mcpguard.reason of %s", line).isEqualTo("denied_destination");
            assertThat(line.detail()).as("mcpguard.detail of %s", line).isEqualTo(destination.deniedBy());
            assertThat(line.fields()).as("destination of %s", line)
                    .containsEntry("destination.address", address)
                    .containsEntry("destination.port", port);
            assertThat(line.userName()).as("user.name of %s", line).isEqualTo(CALLER);
            assertThat(line.path()).as("url.path of %s", line).isEqualTo("/mcp");
        });
    }

    /** {@code tools/call fetch} with the caller's token, in the server's session where its endpoint wants one. */
    private static Exchange fetch(DemoServer server, String url) {
        Request call = RawMcp.post(TOKEN, RawMcp.request(2, "tools/call", Map.of("name", "fetch", "arguments", Map.of("url", url))));
        String session = session(server);
        return server.exchange(session == null ? call : call.header("Mcp-Session-Id", session));
    }

    private static String session(DemoServer server) {
        if (!server.stack().sdkTransport()) {
            return null;
        }
        return SESSIONS.computeIfAbsent(server, EgressIT::openSession);
    }

    private static String openSession(DemoServer server) {
        Exchange initialized = server.exchange(RawMcp.post(TOKEN, RawMcp.initialize(1)));
        RawMcp.result(initialized, 1);
        String id = initialized.response().header("Mcp-Session-Id");
        assertThat(id).as("Mcp-Session-Id of %s", initialized.response()).isNotBlank();
        Expect.passed(server.exchange(RawMcp.post(TOKEN, RawMcp.notification("notifications/initialized"))
                .header("Mcp-Session-Id", id)), 202);
        return id;
    }

    /** The text and {@code isError} of a {@code tools/call} answer. */
    record ToolResult(String text, boolean isError) {

        @SuppressWarnings("unchecked") // JSON objects and arrays parse to string-keyed maps and lists
        static ToolResult of(RawResponse response) {
            assertThat(response.status()).as("status of %s", response).isEqualTo(200);
            Map<String, Object> answer = Expect.json(RawMcp.answer(response));
            assertThat(answer).as("answer").containsEntry("id", 2).doesNotContainKey("error");
            Map<String, Object> result = (Map<String, Object>) answer.get("result");
            List<Map<String, Object>> content = (List<Map<String, Object>>) result.get("content");
            assertThat(content).as("content of %s", answer).singleElement()
                    .satisfies(c -> assertThat(c).containsEntry("type", "text"));
            return new ToolResult((String) content.get(0).get("text"), Boolean.TRUE.equals(result.get("isError")));
        }
    }

    private static Launch launch(Mode mode) {
        Launch launch = Launch.defaults()
                .with("MCPGUARD_TOKEN_FILE", TOKEN_FILE.toString())
                .with("MCPGUARD_BIND", PEER_ADDRESS)
                .listeningOn(PEER_ADDRESS)
                .with("MCPGUARD_EGRESS_MODE", mode.knob)
                // The namespace holds every destination, the "public" one too, so each is this host's own address:
                // `self` is left out here (its own test has it), `private` decides.
                .with("MCPGUARD_EGRESS_DENY", "private")
                .under(NAMESPACE.exec());
        return mode == Mode.ENFORCE ? launch.with("MCPGUARD_EGRESS_ALLOW", ALLOW) : launch;
    }

    private static Path tokenFile() {
        try {
            Path dir = Files.createTempDirectory("mcpguard-it-egress-");
            dir.toFile().deleteOnExit();
            Path file = Files.writeString(dir.resolve("tokens"), TOKEN + " name=" + CALLER + "\n", StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
