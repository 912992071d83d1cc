package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The happy path (§4): a real MCP client with a valid token works through every gate; without one it does not. */
class McpClientIT {

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.of(Launch.standard());

    @OnEachStack
    void aClientWithTheTokenInitializesListsAndCallsTools(String stack) {
        try (McpSyncClient client = McpClients.connect(SERVERS.on(stack), TOKEN)) {
            client.initialize();

            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "add");
            McpSchema.CallToolResult result = client.callTool(
                    McpSchema.CallToolRequest.builder("echo").arguments(Map.of("text", "hello, gate")).build());
            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(result.content()).singleElement()
                    .isInstanceOfSatisfying(McpSchema.TextContent.class, text -> assertThat(text.text()).isEqualTo("hello, gate"));
        }
    }

    @OnEachStack
    void aClientWithoutTheTokenCannotInitialize(String stack) {
        DemoServer server = SERVERS.on(stack);
        int mark = server.mark();

        Throwable failure;
        try (McpSyncClient client = McpClients.connect(server, null)) {
            failure = catchThrowable(client::initialize);
        }

        assertThat(failure).as("initialize without a token").hasCauseInstanceOf(McpHttpClientTransportAuthorizationException.class);
        assertThat(((McpHttpClientTransportAuthorizationException) failure.getCause()).getResponseInfo().statusCode())
                .as("the status the client got").isEqualTo(401);
        assertThat(server.decisionsSince(mark)).as("decision lines")
                .isNotEmpty()
                .allSatisfy(d -> Expect.line(d, "blocked", Refusal.MISSING_TOKEN, "POST", "/mcp", stack));
    }
}
