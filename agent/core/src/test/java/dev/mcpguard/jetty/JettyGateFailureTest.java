package dev.mcpguard.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.AdapterGuard;
import dev.mcpguard.testing.FailingSink;
import dev.mcpguard.testing.WovenAdvice;
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
import org.junit.jupiter.api.Test;

/**
 * The Jetty 12 gate when its own code throws an Error past the guard's verdict (the guard's decision
 * sink fails, from inside the guard's failure handling too), through a real {@link Server} carrying
 * the agent's advice: the handlers never run; the request is refused 503 {@code gate_error}, or its
 * callback fails (Jetty answers 500) when not even that can be done; and the failure is counted.
 */
class JettyGateFailureTest {
    private static final String REQUEST = "GET /mcp HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + AdapterGuard.TOKEN + "\r\n\r\n";

    private static WovenAdvice advice;

    private final RecordingSink sink = new RecordingSink();
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

    @AfterEach
    void stop() throws Exception {
        server.stop();
        guard.close();
    }

    @Test
    void aFailureOutOfTheGuardIsRefused503AndNeverHandled() throws Exception {
        start(2);

        HttpTester.Response response = HttpTester.parseResponse(connector.getResponse(REQUEST));
        server.stop();

        assertThat(handled).isEmpty();
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContent()).contains("\"gate_error\"");
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).as("both failures counted").hasSize(2)
                .allSatisfy(failure -> assertThat(failure.error()).isInstanceOf(LinkageError.class));
    }

    @Test
    void whenNotEvenTheRefusalCanBeHadTheRequestFailsUnhandled() throws Exception {
        start(Integer.MAX_VALUE);

        String raw = connector.getResponse(REQUEST);
        server.stop();

        assertThat(handled).isEmpty();
        assertThat(raw).as("Jetty's own error response, naming no failure of the agent's")
                .startsWith("HTTP/1.1 500 ").doesNotContain("answer:").doesNotContain("LinkageError");
        assertThat(sink.failures()).as("every failure counted").hasSize(3);
    }

    private void start(int sinkFailures) throws Exception {
        guard = AdapterGuard.activate(new FailingSink(sink, sinkFailures), 1024);
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                handled.add(request.getHttpURI().getPath());
                Content.Sink.write(response, true, "answer:" + request.getHttpURI().getPath(), callback);
                return true;
            }
        });
        server.start();
    }
}
