package dev.mcpguard.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.AdapterGuard;
import dev.mcpguard.testing.FailingSink;
import dev.mcpguard.testing.WovenAdvice;
import io.undertow.Undertow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Undertow gate when its own code throws an Error past the guard's verdict (the guard's decision
 * sink fails, from inside the guard's failure handling too), through a real Undertow whose root
 * handler call carries the agent's advice, over a socket: no handler runs; the exchange is refused
 * 503 {@code gate_error}, or its connection closed unanswered when not even that can be done; and
 * the failure is counted.
 */
class UndertowGateFailureTest {
    private static final String REQUEST = "GET /mcp HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer " + AdapterGuard.TOKEN + "\r\n\r\n";

    private static WovenAdvice advice;

    private final RecordingSink sink = new RecordingSink();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private AdapterGuard guard;
    private Undertow server;

    @BeforeAll
    static void weaveProductionAdvice() {
        advice = WovenAdvice.of(new UndertowInstrumentation());
    }

    @AfterAll
    static void unweave() {
        advice.close();
    }

    @AfterEach
    void stop() {
        server.stop();
        guard.close();
    }

    @Test
    void aFailureOutOfTheGuardIsRefused503AndNoHandlerRuns() throws Exception {
        start(2);

        String response = exchange();

        assertThat(handled).isEmpty();
        assertThat(response).startsWith("HTTP/1.1 503 ").contains("\"gate_error\"");
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).as("both failures counted").hasSize(2);
    }

    @Test
    void whenNotEvenTheRefusalCanBeHadTheConnectionIsClosedUnanswered() throws Exception {
        start(Integer.MAX_VALUE);

        String response = exchange();

        assertThat(handled).isEmpty();
        assertThat(response).isEmpty();
        assertThat(sink.failures()).as("every failure counted").hasSize(3);
    }

    private void start(int sinkFailures) {
        guard = AdapterGuard.activate(new FailingSink(sink, sinkFailures), 1024);
        server = Undertow.builder()
                .addHttpListener(0, InetAddress.getLoopbackAddress().getHostAddress())
                .setHandler(exchange -> {
                    handled.add(exchange.getRequestPath());
                    exchange.getResponseSender().send("answer");
                })
                .build();
        server.start();
    }

    /** Sends the request and reads what comes back until the server closes the connection. */
    private String exchange() throws IOException {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
