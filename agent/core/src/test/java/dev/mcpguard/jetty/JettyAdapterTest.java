package dev.mcpguard.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.AdapterGuard;
import dev.mcpguard.testing.WovenAdvice;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Jetty 12 adapter as a client sees it: a real {@link Server} whose {@code handle} carries the
 * agent's own advice, driven through a {@link LocalConnector} (HTTP/1.1 bytes in memory, no socket).
 */
class JettyAdapterTest {
    private static final int LIMIT = 1024;
    private static final String ANONYMOUS = "Host: localhost\r\n";
    private static final String AUTHORIZED = ANONYMOUS + "Authorization: Bearer " + AdapterGuard.TOKEN + "\r\n";

    private static WovenAdvice advice;

    private final RecordingSink sink = new RecordingSink();
    /** What reached the handler: "path:bodyBytes", with " then failed" when reading the body failed. */
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private AdapterGuard guard;
    private Server server;
    private LocalConnector connector;

    @BeforeAll
    static void weaveProductionAdvice() {
        advice = WovenAdvice.of(new JettyInstrumentation());
    }

    @AfterAll
    static void unweave() {
        advice.close();
    }

    @BeforeEach
    void start() throws Exception {
        guard = AdapterGuard.activate(sink, LIMIT);
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new Application());
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        guard.close();
        assertThat(sink.failures()).as("internal failures reported").isEmpty();
    }

    @Test
    void anUnauthenticatedRequestIsRefused401WithTheRefusalsHeadersAndNeverHandled() throws Exception {
        HttpTester.Response response = send("GET /mcp HTTP/1.1\r\n" + ANONYMOUS + "\r\n");

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.get("Content-Type")).isEqualTo("application/json");
        assertThat(response.get("Cache-Control")).isEqualTo("no-store");
        assertThat(response.get("WWW-Authenticate")).isEqualTo("Bearer realm=\"mcp\"");
        assertThat(response.getContent()).startsWith("{\"jsonrpc\":\"2.0\"").contains("\"missing_token\"");
        assertThat(response.getLongField("Content-Length")).isEqualTo(response.getContentBytes().length);
        assertThat(handled).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401");
    }

    @Test
    void anAllowedRequestReachesTheHandler() throws Exception {
        HttpTester.Response response = send("GET /mcp HTTP/1.1\r\n" + AUTHORIZED + "\r\n");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContent()).isEqualTo("answer:/mcp");
        assertThat(handled).containsExactly("/mcp:0");
        assertThat(sink.lines()).containsExactly("allowed");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefused413AndNeverHandled() throws Exception {
        HttpTester.Response response = send("POST /mcp HTTP/1.1\r\n" + AUTHORIZED + "Content-Length: " + (LIMIT + 1)
                + "\r\n\r\n" + "x".repeat(LIMIT + 1));

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.get("Content-Type")).isEqualTo("application/json");
        assertThat(response.getContent()).contains("\"body_too_large\"");
        assertThat(handled).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void aDeclaredBodyAtTheLimitIsHandledWhole() throws Exception {
        HttpTester.Response response = send("POST /mcp HTTP/1.1\r\n" + AUTHORIZED + "Content-Length: " + LIMIT
                + "\r\n\r\n" + "x".repeat(LIMIT));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(handled).containsExactly("/mcp:" + LIMIT);
        assertThat(sink.lines()).containsExactly("allowed");
    }

    @Test
    void aChunkedBodyOverTheLimitFailsTheHandlersReadAndIsRefused413() throws Exception {
        HttpTester.Response response = send("POST /mcp HTTP/1.1\r\n" + AUTHORIZED + "Transfer-Encoding: chunked\r\n\r\n"
                + chunk(600) + chunk(600) + chunk(600) + "0\r\n\r\n");

        assertThat(response.getStatus()).isEqualTo(413);
        assertThat(response.getContent()).contains("\"body_too_large\"");
        assertThat(handled).singleElement().asString().startsWith("/mcp:").endsWith(" then failed");
        long read = Long.parseLong(handled.get(0).substring("/mcp:".length(), handled.get(0).indexOf(' ')));
        assertThat(read).as("body bytes the handler got").isLessThanOrEqualTo(LIMIT);
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");
    }

    /**
     * Sends one request and returns its response once the server has stopped: its threads are done,
     * so whatever the handler did, after a refusal as well, is recorded by then.
     */
    private HttpTester.Response send(String request) throws Exception {
        String raw = connector.getResponse(request);
        server.stop();
        HttpTester.Response response = HttpTester.parseResponse(raw);
        assertThat(response).as("a whole response").isNotNull();
        return response;
    }

    private static String chunk(int size) {
        return Integer.toHexString(size) + "\r\n" + "x".repeat(size) + "\r\n";
    }

    /** Reads the whole body, records how much it got, and answers {@code 200 answer:<path>}. */
    private final class Application extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            long read = 0;
            try (InputStream body = Content.Source.asInputStream(request)) {
                byte[] buffer = new byte[256];
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    read += n;
                }
            } catch (IOException e) {
                handled.add(path + ":" + read + " then failed");
                callback.failed(e);
                return true;
            }
            handled.add(path + ":" + read);
            Content.Sink.write(response, true, "answer:" + path, callback);
            return true;
        }
    }
}
