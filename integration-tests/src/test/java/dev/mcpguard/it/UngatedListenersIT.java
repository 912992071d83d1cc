package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No listener in silence (design §6): a server no gated family owns is named in one ERROR line when
 * it binds, with the class that bound it, and with {@code MCPGUARD_UNGATED_LISTENERS=refuse} its
 * bind fails; a Netty server whose connections meet no gate is named at its first connection, and
 * under {@code refuse} that connection is closed. The demo's servers are owned: they start and
 * serve under {@code refuse}, with no such line. Armeria and Ktor's CIO engine run from one-file apps
 * (src/test/apps) on their own jars, whose Netty 4.2 and Kotlin must not meet the test class path.
 */
class UngatedListenersIT {
    private static final Map<String, String> WARN = Map.of("MCPGUARD_TOKEN", "t0ken");
    private static final Map<String, String> REFUSE = Map.of("MCPGUARD_TOKEN", "t0ken",
            "MCPGUARD_UNGATED_LISTENERS", "refuse");
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    /** Where Ktor's CIO engine binds (io.ktor.network.sockets.ConnectUtilsJvmKt in Ktor 3.5). */
    private static final String KTOR_BINDER = "io.ktor.network.sockets.";
    /** Armeria's own HTTP/1 and HTTP/2 decoder, not Netty's HttpServerCodec. */
    private static final String ARMERIA_CODEC = "com.linecorp.armeria.server.HttpServerCodec";

    /** The kinds of {@link ListenerServers} that bind themselves, and the class each line must name. */
    static Stream<Arguments> boundAtBind() {
        return Stream.of(Arguments.of("serversocket", ListenerServers.class.getName()),
                Arguments.of("nio2", ListenerServers.class.getName()),
                Arguments.of("httpcore5", "org.apache.hc.core5.reactor."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundAtBind")
    void aServerNoGatedFamilyOwnsIsNamedAtBindInOneErrorLine(String kind, String binder) throws IOException {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.start(kind, "127.0.0.1", 0, WARN)) {
            assertThat(server.said()).startsWith("LISTENING /127.0.0.1:");
            String line = server.awaitStderr(text -> text.contains("ERROR mcpguard - ungated listener"));
            assertThat(line).contains(" ERROR ", "ungated listener 127.0.0.1:0 bound by " + binder,
                    "mcpguard has no adapter for it", "MCPGUARD_UNGATED_LISTENERS=refuse");
            assertThat(answer(server.port(), "GET / HTTP/1.0\r\n\r\n")).contains("200");
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(UngatedListenersIT::named).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundAtBind")
    void underRefuseItsBindFailsWithOurLine(String kind, String binder) throws Exception {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.start(kind, "127.0.0.1", 0, REFUSE)) {
            // HttpCore 5 wraps the bind's exception in one of its own
            assertThat(server.said()).startsWith("NOT STARTED java.net.BindException: ")
                    .contains("mcpguard: ungated listener 127.0.0.1:0 bound by " + binder)
                    .endsWith("(MCPGUARD_UNGATED_LISTENERS=refuse)");
            if (!kind.equals("httpcore5")) { // its reactor threads keep the JVM alive
                assertThat(server.awaitExit()).isEqualTo(ListenerServers.NOT_STARTED);
            }
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(text -> text.contains(" ERROR ")).singleElement().asString()
                .contains("refused an ungated listener 127.0.0.1:0 bound by " + binder, "its bind fails");
    }

    /** Netty binds for every server on it; this one decodes lines, which no gate reads. */
    @Test
    void aNettyServerWithoutAGatedCodecIsNamedAtItsFirstConnectionOnce() throws IOException {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.start("netty-lines", "127.0.0.1", 0, WARN)) {
            assertThat(answer(server.port(), "one\n")).isEqualTo("echo one");
            assertThat(answer(server.port(), "two\n")).isEqualTo("echo two");
            String line = server.awaitStderr(text -> text.contains("ERROR mcpguard - ungated netty listener"));
            assertThat(line).contains(" ERROR ", "ungated netty listener /127.0.0.1:" + server.port()
                    + ": its connections are decoded by io.netty.handler.codec.LineBasedFrameDecoder");
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(UngatedListenersIT::named).hasSize(1);
    }

    @Test
    void underRefuseItsConnectionsAreClosedUnserved() throws IOException {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.start("netty-lines", "127.0.0.1", 0, REFUSE)) {
            assertThat(answer(server.port(), "one\n")).as("closed, nothing answered").isNull();
            assertThat(answer(server.port(), "two\n")).as("closed, nothing answered").isNull();
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(text -> text.contains(" ERROR ")).singleElement().asString()
                .contains("refused an ungated netty listener", "its connections are closed");
    }

    /** Ktor's CIO engine: coroutines over NIO, no Netty; its bind is named, by the Ktor class that binds. */
    @Test
    void aKtorCioServerIsNamedAtBindAndServes() throws IOException {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.startApp("KtorCioApp", WARN)) {
            assertThat(server.said()).startsWith("LISTENING 127.0.0.1:");
            String line = server.awaitStderr(text -> text.contains("ERROR mcpguard - ungated listener"));
            assertThat(line).contains("ungated listener 127.0.0.1:0 bound by " + KTOR_BINDER,
                    "mcpguard has no adapter for it", "MCPGUARD_UNGATED_LISTENERS=refuse");
            assertThat(answer(server.port(), HEALTH)).isEqualTo("HTTP/1.1 200 OK");
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(UngatedListenersIT::named).hasSize(1);
    }

    @Test
    void underRefuseAKtorCioServerDoesNotStart() throws Exception {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.startApp("KtorCioApp", REFUSE)) {
            assertThat(server.said()).startsWith("NOT STARTED java.net.BindException: mcpguard: ungated listener "
                    + "127.0.0.1:0 bound by " + KTOR_BINDER).endsWith("(MCPGUARD_UNGATED_LISTENERS=refuse)");
            assertThat(server.awaitExit()).isEqualTo(ListenerServers.NOT_STARTED);
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(text -> text.contains(" ERROR ")).singleElement().asString()
                .contains("refused an ungated listener 127.0.0.1:0 bound by " + KTOR_BINDER, "its bind fails");
    }

    /** Armeria binds through Netty but decodes HTTP with its own codec, no gate's: named at its first connection. */
    @Test
    void anArmeriaServerIsNamedAtItsFirstConnectionAndServes() throws IOException {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.startApp("ArmeriaApp", WARN)) {
            assertThat(answer(server.port(), HEALTH)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(answer(server.port(), HEALTH)).isEqualTo("HTTP/1.1 200 OK");
            String line = server.awaitStderr(text -> text.contains("ERROR mcpguard - ungated netty listener"));
            assertThat(line).contains("ungated netty listener /127.0.0.1:" + server.port()
                    + ": its connections are decoded by " + ARMERIA_CODEC, "its requests are NOT gated");
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(UngatedListenersIT::named).hasSize(1);
    }

    @Test
    void underRefuseAnArmeriaServersConnectionsAreClosedUnserved() throws IOException {
        List<String> stderr;
        try (ListenerProcess server = ListenerProcess.startApp("ArmeriaApp", REFUSE)) {
            assertThat(answer(server.port(), HEALTH)).as("closed, nothing answered").isNull();
            assertThat(answer(server.port(), HEALTH)).as("closed, nothing answered").isNull();
            stderr = server.stopAndReadStderr();
        }
        assertThat(stderr).filteredOn(text -> text.contains(" ERROR ")).singleElement().asString()
                .contains("refused an ungated netty listener", ARMERIA_CODEC, "its connections are closed");
    }

    /** A servlet container, Undertow (whose hooked class loads only at the first request) and Netty's HTTP codecs. */
    @Test
    void theDemoServersAreOwnedAndServeUnderRefuse() {
        for (Stack stack : List.of(Stacks.TOMCAT, Stacks.UNDERTOW, Stacks.NETTY, Stacks.REACTOR, Stacks.VERTX)) {
            try (DemoServer server = DemoServer.start(stack, Launch.standard()
                    .with("MCPGUARD_UNGATED_LISTENERS", "refuse"))) {
                Expect.passed(server.exchange(Request.get("/health").bearer(TOKEN)), 200);
                assertThat(server.stderr().all()).as("%s stderr", stack).noneMatch(UngatedListenersIT::named);
            }
        }
    }

    /** An ERROR line that names a listener, or refuses one. */
    private static boolean named(String line) {
        return line.contains(" ERROR ") && line.contains("ungated");
    }

    /** Sends {@code request} and reads the first line of the answer: {@code null} when the connection closes first. */
    private static String answer(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
