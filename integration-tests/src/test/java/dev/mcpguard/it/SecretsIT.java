package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.ROTATED_TOKEN;
import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Never logged (§7): token values, the {@code Authorization} header, the query string. After traffic full of
 * them — accepted, refused, in the query, through a real MCP session — nothing on stderr holds any of them.
 */
class SecretsIT {

    private static final String WRONG_TOKEN = "wrong-secret-value";
    private static final String QUERY_TOKEN = "query-secret-value";
    private static final String QUERY_MARKER = "query-string-marker";
    private static final String BASIC_CREDENTIALS = "dXNlcjpwYXNzd29yZA";

    @RegisterExtension
    static final DemoServers ENFORCING = DemoServers.of(Launch.standard());

    /** Log-only logs more (every gate's line, the request going on): as many chances to leak. */
    @RegisterExtension
    static final DemoServers LOG_ONLY = DemoServers.of(Launch.standard().with("MCPGUARD_MODE", "log-only"));

    static Stream<Arguments> configurations() {
        return Stacks.times(List.of(Named.of("enforce", ENFORCING), Named.of("log-only", LOG_ONLY)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void noSecretReachesTheLog(Stack stack, DemoServers servers) {
        DemoServer server = servers.on(stack);
        int mark = server.mark();

        for (Request request : secretBearingRequests()) {
            RawHttp.exchange(server.port(), request);
        }
        if (stack.sdkTransport()) {
            try (McpSyncClient client = McpClients.connect(server, TOKEN)) {
                client.initialize();
                client.callTool(McpSchema.CallToolRequest.builder("echo").arguments(Map.of("text", "hello")).build());
            }
        } else {
            RawMcp.initializeAndEcho(server, TOKEN, "hello");
        }
        // the refusals above were logged: proves the log was written, and waits for its last lines
        assertThat(server.decisionsSince(mark)).isNotEmpty();

        assertThat(server.stderr().all()).allSatisfy(line -> assertThat(line)
                .doesNotContain(TOKEN, ROTATED_TOKEN, WRONG_TOKEN, QUERY_TOKEN, QUERY_MARKER, BASIC_CREDENTIALS)
                .doesNotContain("access_token", "Authorization"));
    }

    private static List<Request> secretBearingRequests() {
        return List.of(
                Request.get("/health").bearer(TOKEN),
                Request.get("/health").bearer(ROTATED_TOKEN),
                Request.get("/health").bearer(WRONG_TOKEN),
                Request.get("/health").header("Authorization", "Basic " + BASIC_CREDENTIALS),
                Request.get("/health?access_token=" + QUERY_TOKEN),
                Request.get("/health?access_token=" + QUERY_TOKEN).bearer(TOKEN),
                Request.get("/health").bearer(TOKEN).bearer(WRONG_TOKEN),
                Request.get("/health").header("Authorization", "Bearer " + TOKEN + ", Bearer " + WRONG_TOKEN),
                Request.get("/health?q=" + QUERY_MARKER).bearer(TOKEN).header("Origin", "http://evil.example"),
                Request.get("/%2e%2e/x?q=" + QUERY_MARKER).bearer(WRONG_TOKEN));
    }
}
