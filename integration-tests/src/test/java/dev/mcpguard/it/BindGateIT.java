package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static dev.mcpguard.it.NetworkNamespace.HOST_ADDRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpguard.it.Stacks.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The BIND gate (§6), seen from a peer that really is not loopback ({@link NetworkNamespace}): the demo app asks
 * to listen on {@code 0.0.0.0}, its default. Whether the server is reachable on the host side of the veth pair,
 * {@value NetworkNamespace#HOST_ADDRESS}, tells whether the bind was rewritten to loopback.
 */
class BindGateIT {

    @RegisterExtension
    static final NetworkNamespace NAMESPACE = new NetworkNamespace();

    /** Default knobs (a token aside): the wildcard bind is rewritten to 127.0.0.1. */
    private static final Launch WILDCARD = Launch.standard().listeningOn("0.0.0.0");

    @RegisterExtension
    static final DemoServers DEFAULTS = DemoServers.of(WILDCARD);

    @RegisterExtension
    static final DemoServers WIDENED = DemoServers.of(WILDCARD.with("MCPGUARD_BIND", "0.0.0.0"));

    @RegisterExtension
    static final DemoServers LOG_ONLY = DemoServers.of(WILDCARD.with("MCPGUARD_BIND_MODE", "log-only"));

    private static final String REWROTE = "BIND gate rewrote a listen address from ";
    private static final String WOULD_REWRITE = "BIND gate (log-only) would rewrite a listen address from ";

    /**
     * The demo asks for an ephemeral port ({@code --port=0}): the bind, and so the WARN line, has port 0; the
     * fixed-port cases below show a real port kept.
     */
    @OnEachStack
    void byDefaultAWildcardBindListensOnLoopbackOnlyAndSaysHowToWidenIt(Stack stack) {
        DemoServer server = DEFAULTS.on(stack);

        String warning = server.awaitStderrLine("WARN", REWROTE + "0.0.0.0:0 to 127.0.0.1:0");
        assertThat(warning).contains("MCPGUARD_BIND=0.0.0.0", "MCPGUARD_BIND_PORTS");
        assertThat(servedFromLoopback(server.port())).as("served on 127.0.0.1").isTrue();
        assertThat(NAMESPACE.peer().send(HOST_ADDRESS, server.port(), health(server.port())).refused())
                .as("connection to %s:%d from the namespace refused", HOST_ADDRESS, server.port()).isTrue();
    }

    /**
     * The server asked for every interface but got loopback, so the connection's local address is loopback and the
     * default Host allow-list is the loopback names (§4): DNS rebinding is refused. ({@link OriginHostGateIT} shows
     * the same on a server that asked for 127.0.0.1 itself; {@link RemotePeerIT} that a non-loopback listener
     * allows any host.)
     */
    @OnEachStack
    void aRewrittenBindIsALoopbackListenerForTheHostCheck(Stack stack) {
        DemoServer server = DEFAULTS.on(stack);

        Expect.passed(server.exchange(Request.get("/health").bearer(TOKEN).host("localhost:" + server.port())), 200);
        Expect.blocked(server.exchange(Request.get("/health").bearer(TOKEN).host("evil.example")), Refusal.HOST_NOT_ALLOWED, "GET", "/health");
    }

    @OnEachStack
    void bindEqualToTheWildcardLeavesTheBindAsAsked(Stack stack) {
        DemoServer server = WIDENED.on(stack);

        assertServedToTheNamespace(server.port());
        server.decisionsSince(server.mark()); // once the sentinel's line is in, every earlier stderr line is
        assertThat(server.stderr().all()).as("stderr").noneMatch(line -> line.contains("BIND gate"));
    }

    @OnEachStack
    void logOnlyLeavesTheBindAsAskedAndSaysWhatItWouldDo(Stack stack) {
        DemoServer server = LOG_ONLY.on(stack);

        String warning = server.awaitStderrLine("WARN", WOULD_REWRITE + "0.0.0.0:0 to 127.0.0.1:0");
        assertThat(warning).contains("left as asked");
        assertServedToTheNamespace(server.port());
        server.decisionsSince(server.mark());
        assertThat(server.stderr().all()).as("stderr").noneMatch(line -> line.contains(REWROTE));
    }

    /**
     * A fixed port that {@code MCPGUARD_BIND_PORTS} names (among others) is governed, and kept by the rewrite: the
     * line names it twice. (The control for {@link #bindPortsLimitTheGateToThePortsItNames}.)
     */
    @OnEachStack
    void aPortNamedInBindPortsIsGovernedAndKeptWhenTheBindIsRewritten(Stack stack) {
        int port = freePort();
        Launch launch = WILDCARD.with("MCPGUARD_BIND_PORTS", otherPort(port) + "," + port);
        try (FixedPortServer server = FixedPortServer.start(stack, launch, port)) {
            server.awaitStderrLine("WARN", REWROTE + "0.0.0.0:" + port + " to 127.0.0.1:" + port + ";");
            assertThat(servedFromLoopback(port)).as("served on 127.0.0.1").isTrue();
            assertThat(NAMESPACE.peer().send(HOST_ADDRESS, port, health(port)).refused())
                    .as("connection to %s:%d from the namespace refused", HOST_ADDRESS, port).isTrue();
        }
    }

    /** The IPv6 wildcard is as wide as {@code 0.0.0.0} (§6); a dual-stack socket on it would take IPv4 peers too. */
    @OnEachStack
    void theIpv6WildcardIsRewrittenToo(Stack stack) {
        int port = freePort();
        try (FixedPortServer server = FixedPortServer.start(stack, WILDCARD.listeningOn("::"), port)) {
            String warning = server.awaitStderrLine("WARN", "BIND gate rewrote a listen address from [");
            assertThat(warning).containsPattern(Pattern.quote(REWROTE) + "\\[(::|0:0:0:0:0:0:0:0)]:" + port + " to 127\\.0\\.0\\.1:" + port + ";");
            assertThat(servedFromLoopback(port)).as("served on 127.0.0.1").isTrue();
            assertThat(NAMESPACE.peer().send(HOST_ADDRESS, port, health(port)).refused())
                    .as("connection to %s:%d from the namespace refused", HOST_ADDRESS, port).isTrue();
        }
    }

    /** {@code MCPGUARD_BIND_PORTS} naming only another port leaves this one's bind alone. */
    @OnEachStack
    void bindPortsLimitTheGateToThePortsItNames(Stack stack) {
        int port = freePort();
        try (FixedPortServer server = FixedPortServer.start(stack, WILDCARD.with("MCPGUARD_BIND_PORTS", Integer.toString(otherPort(port))), port)) {
            assertServedToTheNamespace(port);
            assertThat(servedFromLoopback(port)).as("served on 127.0.0.1 too").isTrue();
            server.awaitEarlierStderr(port);
            assertThat(server.stderr().all()).as("stderr").noneMatch(line -> line.contains("BIND gate"));
        }
    }

    private static Request health(int port) {
        return Request.get("/health").bearer(TOKEN).host(HOST_ADDRESS + ":" + port);
    }

    private static boolean servedFromLoopback(int port) {
        RawResponse response = RawHttp.exchange(port, Request.get("/health").bearer(TOKEN));
        return response.status() == 200 && response.text().equals("ok");
    }

    private static void assertServedToTheNamespace(int port) {
        RawResponse response = NAMESPACE.peer().send(HOST_ADDRESS, port, health(port)).response();

        assertThat(response.status()).as("status of %s", response).isEqualTo(200);
        assertThat(response.text()).isEqualTo("ok");
    }

    private static int otherPort(int port) {
        return port == 65535 ? port - 1 : port + 1;
    }

    /** A port nothing listens on now, on any address. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The demo app on a port chosen by the test, which {@link DemoServer} (always {@code --port=0}) cannot do:
     * {@code MCPGUARD_BIND_PORTS} never governs an ephemeral port unless it governs all of them. Started like
     * {@link DemoServer} starts it, and only asked about its stderr.
     */
    private static final class FixedPortServer implements AutoCloseable {

        private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
        private static final Duration LOG_TIMEOUT = Duration.ofSeconds(10);

        private final Process process;
        private final LogLines stderr;

        private FixedPortServer(Process process, LogLines stderr) {
            this.process = process;
            this.stderr = stderr;
        }

        static FixedPortServer start(Stack stack, Launch launch, int port) {
            Process process = DemoServer.spawn(stack, launch, port);
            LogLines stdout = LogLines.pump(process.getInputStream(), "demo-stdout-" + stack + "-" + port);
            LogLines stderr = LogLines.pump(process.getErrorStream(), "demo-stderr-" + stack + "-" + port);
            FixedPortServer server = new FixedPortServer(process, stderr);
            // §8: the host as asked, an IPv6 literal in brackets
            String host = launch.host().contains(":") && !launch.host().startsWith("[") ? "[" + launch.host() + "]" : launch.host();
            String listening = "LISTENING " + host + ":" + port + " " + stack.name();
            if (stdout.await(0, listening::equals, START_TIMEOUT).isEmpty()) {
                server.close();
                fail("%s did not print %s within %s%nstdout:%n%s%nstderr:%n%s", stack, listening, START_TIMEOUT, stdout, stderr);
            }
            return server;
        }

        LogLines stderr() {
            return stderr;
        }

        /**
         * Waits until every line written to stderr so far has been read: sends a request the ORIGIN gate refuses
         * and waits for its decision line, which comes after them (as {@link DemoServer#decisionsSince} does).
         */
        void awaitEarlierStderr(int port) {
            // starts with "/mcp", so that the JDK server, which matches contexts by prefix, has a context for it
            String sentinel = "/mcpguard-it-bind-sentinel-" + System.nanoTime();
            RawHttp.exchange(port, Request.get(sentinel).header("Origin", "null"));
            awaitStderrLine("\"url.path\":\"" + sentinel + "\"");
        }

        String awaitStderrLine(String... parts) {
            var index = stderr.await(0, line -> List.of(parts).stream().allMatch(line::contains), LOG_TIMEOUT);
            if (index.isEmpty()) {
                fail("no stderr line containing %s within %s%nstderr:%n%s", List.of(parts), LOG_TIMEOUT, stderr);
            }
            return stderr.all().get(index.get());
        }

        @Override
        public void close() {
            DemoServer.stop(process);
        }
    }
}
