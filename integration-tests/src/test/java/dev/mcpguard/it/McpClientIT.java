package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcpguard.it.Stacks.Stack;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The happy path (§4): a real MCP client with a valid token works through every gate; without one it does not.
 * Where the stack serves the MCP SDK's transport the SDK's own client speaks to it; elsewhere the test speaks
 * JSON-RPC over HTTP itself, to the demo's hand-written endpoint.
 */
class McpClientIT {

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.of(Launch.standard());

    private static final String TEXT = "hello, gate";

    @OnEachStack
    void aClientWithTheTokenInitializesListsAndCallsTools(Stack stack) {
        if (stack.sdkTransport()) {
            sdkClientWithTheToken(SERVERS.on(stack));
        } else {
            rawClientWithTheToken(SERVERS.on(stack));
        }
    }

    @OnEachStack
    void aClientWithoutTheTokenCannotInitialize(Stack stack) {
        if (stack.sdkTransport()) {
            sdkClientWithoutTheToken(SERVERS.on(stack));
        } else {
            Exchange ex = RawMcp.send(SERVERS.on(stack), null, RawMcp.initialize(1));

            Expect.blocked(ex, Refusal.MISSING_TOKEN, "POST", "/mcp");
        }
    }

    private static void sdkClientWithTheToken(DemoServer server) {
        try (McpSyncClient client = McpClients.connect(server, TOKEN)) {
            client.initialize();

            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "add", "fetch");
            McpSchema.CallToolResult result = client.callTool(
                    McpSchema.CallToolRequest.builder("echo").arguments(Map.of("text", TEXT)).build());
            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(result.content()).singleElement()
                    .isInstanceOfSatisfying(McpSchema.TextContent.class, text -> assertThat(text.text()).isEqualTo(TEXT));
        }
    }

    @SuppressWarnings("unchecked") // JSON arrays and objects parse to lists and string-keyed maps
    private static void rawClientWithTheToken(DemoServer server) {
        Map<String, Object> initialized = RawMcp.result(RawMcp.send(server, TOKEN, RawMcp.initialize(1)), 1);
        assertThat(initialized).containsEntry("protocolVersion", RawMcp.PROTOCOL_VERSION).containsKey("serverInfo");
        assertThat((Map<String, Object>) initialized.get("capabilities")).containsKey("tools");

        Expect.passed(RawMcp.send(server, TOKEN, RawMcp.notification("notifications/initialized")), 202);

        Map<String, Object> listed = RawMcp.result(RawMcp.send(server, TOKEN, RawMcp.request(2, "tools/list", Map.of())), 2);
        assertThat((List<Map<String, Object>>) listed.get("tools")).extracting(tool -> tool.get("name")).contains("echo", "add", "fetch");

        Map<String, Object> called = RawMcp.result(RawMcp.send(server, TOKEN,
                RawMcp.request(3, "tools/call", Map.of("name", "echo", "arguments", Map.of("text", TEXT)))), 3);
        assertThat(called.get("isError")).isNotEqualTo(Boolean.TRUE);
        assertThat((List<Map<String, Object>>) called.get("content")).singleElement()
                .satisfies(content -> assertThat(content).containsEntry("type", "text").containsEntry("text", TEXT));
    }

    private static void sdkClientWithoutTheToken(DemoServer server) {
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
                .allSatisfy(d -> Expect.line(d, "blocked", Refusal.MISSING_TOKEN, "POST", "/mcp", server.stack()));
    }
}
