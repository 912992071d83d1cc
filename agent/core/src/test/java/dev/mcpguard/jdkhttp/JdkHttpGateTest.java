package dev.mcpguard.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.FailingSink;
import dev.mcpguard.testing.StaticState;
import dev.mcpguard.testing.TestGuard;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JDK gate as a filter of a JDK server in this JVM (no agent): what its refusals send. */
class JdkHttpGateTest {
    private static final String UNAUTHORIZED_BODY = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,"
            + "\"message\":\"Unauthorized\",\"data\":{\"gate\":\"auth\",\"error\":\"missing_token\"}}}";

    private final RecordingSink sink = new RecordingSink();
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private Guard previousGuard;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        previousGuard = StaticState.swapGuard(TestGuard.builder().sink(sink)
                .knob("MCPGUARD_TOKEN", "good-token").build());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            handled.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }).getFilters().add(new JdkHttpGate());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        StaticState.swapGuard(previousGuard);
    }

    private HttpResponse<String> send(String method) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
        return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRefusedGetCarriesTheRefusalHeadersAndBody() throws Exception {
        HttpResponse<String> response = send("GET");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"mcp\"");
        assertThat(response.body()).isEqualTo(UNAUTHORIZED_BODY);
    }

    @Test
    void aRefusedHeadHasTheLengthAndNoBody() throws Exception {
        HttpResponse<String> response = send("HEAD");
        server.stop(0); // joins the server's thread: whatever the refusal reported is in the sink now

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-length")).hasValue(String.valueOf(UNAUTHORIZED_BODY.length()));
        assertThat(response.body()).isEmpty();
        assertThat(sink.failures()).as("internal failures reported").isEmpty();
    }

    /** The gate's own code throws an Error past the verdict (its guard's decision sink fails): refused 503, never handled. */
    @Test
    void aFailureOutOfTheGuardIsRefused503AndNeverHandled() throws Exception {
        StaticState.swapGuard(failingGuard(2));

        HttpResponse<String> response = send("GET");
        server.stop(0);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("\"gate_error\"");
        assertThat(handled).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).as("both failures counted").hasSize(2);
    }

    @Test
    void whenNotEvenTheRefusalCanBeHadTheExchangeIsClosedUnanswered() throws Exception {
        StaticState.swapGuard(failingGuard(Integer.MAX_VALUE));

        // POST: the client would retry a GET once on the closed connection
        assertThatThrownBy(() -> send("POST")).isInstanceOf(IOException.class);
        server.stop(0);

        assertThat(handled).isEmpty();
        assertThat(sink.failures()).as("every failure counted").hasSize(3);
    }

    private Guard failingGuard(int sinkFailures) {
        return TestGuard.builder().sink(new FailingSink(sink, sinkFailures)).knob("MCPGUARD_TOKEN", "good-token").build();
    }
}
