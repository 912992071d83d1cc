package dev.mcpguard.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.AdapterGuard;
import dev.mcpguard.testing.FailingSink;
import dev.mcpguard.testing.WovenAdvice;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tomcat gate when its own code throws an Error past the guard's verdict (the guard's decision
 * sink fails, from inside the guard's failure handling too), through an embedded Tomcat whose
 * connector carries the agent's advice, over a socket: no servlet runs; the request is refused 503
 * {@code gate_error}, or the connection is closed unanswered when not even that can be done; and
 * the failure is counted.
 */
class TomcatGateFailureTest {
    private static final String REQUEST = "GET /mcp HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer "
            + AdapterGuard.TOKEN + "\r\n\r\n";

    /** Held: java.util.logging keeps its loggers weakly, and Tomcat's INFO lines would flood the build. */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");
    private static WovenAdvice advice;

    @TempDir
    Path base;

    private final RecordingSink sink = new RecordingSink();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private AdapterGuard guard;
    private Tomcat tomcat;

    @BeforeAll
    static void weaveProductionAdvice() {
        TOMCAT_LOG.setLevel(Level.SEVERE);
        advice = WovenAdvice.of(new TomcatInstrumentation());
    }

    @AfterAll
    static void unweave() {
        advice.close();
    }

    @AfterEach
    void stop() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
        guard.close();
    }

    @Test
    void aFailureOutOfTheGuardIsRefused503AndNoServletRuns() throws Exception {
        start(2);

        String response = exchange(REQUEST);

        assertThat(handled).isEmpty();
        assertThat(response).startsWith("HTTP/1.1 503 ").contains("\"gate_error\"");
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).as("both failures counted").hasSize(2)
                .allSatisfy(failure -> assertThat(failure.error()).isInstanceOf(LinkageError.class));
    }

    @Test
    void whenNotEvenTheRefusalCanBeHadTheConnectionIsClosedUnanswered() throws Exception {
        start(Integer.MAX_VALUE);

        String response = exchange(REQUEST);

        assertThat(handled).isEmpty();
        assertThat(response).isEmpty();
        assertThat(sink.failures()).as("every failure counted").hasSize(3);
    }

    /**
     * The gate's code fails past the request's head, counting a streamed body: the servlet's read
     * fails with an IOException (never the agent's Error), the request is refused 503 mid-read, and
     * the failure is counted.
     */
    @Test
    void aFailureCountingTheBodyFailsTheServletsReadAndIsRefused503() throws Exception {
        start(new FailingSink(sink, 1, 1)); // the request's "allowed" recorded, its body's refusal not

        String response = exchange(CHUNKED_OVER_LIMIT);

        assertThat(handled).containsExactly("/mcp", "read failed: IOException");
        assertThat(response).startsWith("HTTP/1.1 503 ").contains("\"gate_error\"");
        assertThat(sink.lines()).containsExactly("allowed", "blocked path/gate_error/503");
        assertThat(sink.failures()).hasSize(1);
    }

    @Test
    void whenNotEvenTheBodysRefusalCanBeHadTheReadFailsAndTheConnectionCloses() throws Exception {
        start(new FailingSink(sink, 1, Integer.MAX_VALUE));

        String response = exchange(CHUNKED_OVER_LIMIT);

        assertThat(handled).containsExactly("/mcp", "read failed: IOException");
        assertThat(response).doesNotContain("answer");
        assertThat(sink.failures()).as("every failure counted").hasSize(2);
    }

    private void start(int sinkFailures) throws LifecycleException {
        start(new FailingSink(sink, sinkFailures));
    }

    private void start(FailingSink failing) throws LifecycleException {
        guard = AdapterGuard.activate(failing, 1024);
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", InetAddress.getLoopbackAddress().getHostAddress());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "app", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                handled.add(request.getRequestURI());
                try {
                    request.getInputStream().readAllBytes();
                } catch (Throwable failure) {
                    handled.add("read failed: " + (failure instanceof IOException ? "IOException" : failure.toString()));
                    return;
                }
                response.getWriter().write("answer");
            }
        }).addMapping("/*");
        tomcat.start();
    }

    private static final String CHUNKED_OVER_LIMIT = "POST /mcp HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Authorization: Bearer " + AdapterGuard.TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "400\r\n" + "x".repeat(1024) + "\r\n400\r\n" + "x".repeat(1024) + "\r\n0\r\n\r\n";

    /** Sends one request and reads what comes back until the server closes the connection. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tomcat.getConnector().getLocalPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
