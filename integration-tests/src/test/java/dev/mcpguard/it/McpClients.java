package dev.mcpguard.it;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.time.Duration;

/** The MCP SDK's own client over Streamable HTTP, as a real user of the demo app would connect. */
final class McpClients {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private McpClients() {}

    /** A client that sends {@code Authorization: Bearer <token>} on every request; no header when null. */
    static McpSyncClient connect(DemoServer server, String token) {
        var transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp")
                .connectTimeout(TIMEOUT)
                .addHttpRequestCustomizer((request, method, uri, body, context) -> {
                    if (token != null) {
                        request.header("Authorization", "Bearer " + token);
                    }
                })
                .build();
        return McpClient.sync(transport).requestTimeout(TIMEOUT).initializationTimeout(TIMEOUT).build();
    }
}
