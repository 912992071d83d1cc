package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The BIND gate (§6) on an NIO2 listener ({@code AsynchronousServerSocketChannel}, as Tomcat's NIO2
 * connector listens), in a JVM under the agent: the same rewrite, log-only and ports rules as for
 * NIO and {@code ServerSocket} ({@link BindGateIT}). The address printed is the one the socket has.
 * Then the same in Tomcat's NIO2 connector.
 */
class Nio2BindIT {
    private static final Map<String, String> TOKEN = Map.of("MCPGUARD_TOKEN", "t0ken");
    private static final String REWROTE = "BIND gate rewrote a listen address from ";
    /** An NIO2 channel is dual-stack: asked for 0.0.0.0, it listens on (and reports) the IPv6 wildcard. */
    private static final String WILDCARD = "LISTENING /(0\\.0\\.0\\.0|\\[0:0:0:0:0:0:0:0]):";

    @Test
    void aWildcardBindIsRewrittenToLoopback() throws IOException {
        try (ListenerProcess server = ListenerProcess.start("nio2", "0.0.0.0", 0, TOKEN)) {
            assertThat(server.said()).startsWith("LISTENING /127.0.0.1:");
            assertThat(server.awaitStderr(line -> line.contains(REWROTE)))
                    .contains(" WARN ", REWROTE + "0.0.0.0:0 to 127.0.0.1:0;");
            assertThat(answer(server.port())).isEqualTo(ListenerServers.OK);
        }
    }

    @Test
    void logOnlyLeavesTheBindAsAsked() {
        Map<String, String> env = Map.of("MCPGUARD_TOKEN", "t0ken", "MCPGUARD_BIND_MODE", "log-only");
        try (ListenerProcess server = ListenerProcess.start("nio2", "0.0.0.0", 0, env)) {
            assertThat(server.said()).matches(WILDCARD + "\\d+");
            assertThat(server.awaitStderr(line -> line.contains("BIND gate (log-only) would rewrite")))
                    .contains("from 0.0.0.0:0 to 127.0.0.1:0", "left as asked");
        }
    }

    @Test
    void aPortLeftOutOfBindPortsIsLeftAsAsked() {
        int port = freePort();
        Map<String, String> env = Map.of("MCPGUARD_TOKEN", "t0ken", "MCPGUARD_BIND_PORTS", Integer.toString(port + 1));
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.start("nio2", "0.0.0.0", port, env)) {
            assertThat(server.said()).matches(WILDCARD + port);
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).noneMatch(line -> line.contains("BIND gate"));
    }

    /**
     * Tomcat's NIO2 connector: its wildcard bind is rewritten by the NIO2 hook, the listener is
     * Tomcat's own (it starts under {@code MCPGUARD_UNGATED_LISTENERS=refuse}, no ERROR line), and
     * its requests are gated.
     */
    @Test
    void tomcatsNio2ConnectorIsRewrittenOwnedAndGated() throws IOException {
        Map<String, String> env = Map.of("MCPGUARD_TOKEN", "t0ken", "MCPGUARD_UNGATED_LISTENERS", "refuse");
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.start(TomcatNio2Server.class, List.of("0.0.0.0"), env)) {
            assertThat(server.said()).startsWith("LISTENING Http11Nio2Protocol port :");
            assertThat(server.awaitStderr(line -> line.contains(REWROTE))).contains(REWROTE + "0.0.0.0:0 to 127.0.0.1:0;");
            assertThat(answer(server.port(), "GET /mcp HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 401 ");
            assertThat(answer(server.port(), "GET /mcp HTTP/1.0\r\nAuthorization: Bearer t0ken\r\n\r\n"))
                    .startsWith("HTTP/1.1 200 ").endsWith("ok");
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).noneMatch(line -> line.contains(" ERROR "));
    }

    /** What the listener at 127.0.0.1:port sends, to its end. */
    private static String answer(int port) throws IOException {
        return answer(port, "");
    }

    /** Sends {@code request} to 127.0.0.1:port and reads the answer to its end. */
    private static String answer(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port); InputStream in = socket.getInputStream()) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            return socket.getLocalPort() == 65535 ? freePort() : socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
