package com.example.legacymcp;

import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import com.example.legacymcp.core.Tools;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.http.HttpServlet;
import java.util.List;
import java.util.Map;

/** MCP over Streamable HTTP, with the SDK's servlet transport and the demo's {@link Tools}. */
final class McpEndpoint {

    /** A servlet container that serves the given routes. */
    @FunctionalInterface
    interface Container {
        RunningServer start(Options options, SelfSignedKeystore keystore, List<Endpoints.Route> routes)
                throws Exception;
    }

    private final HttpServletStreamableServerTransportProvider transport =
            HttpServletStreamableServerTransportProvider.builder().mcpEndpoint("/mcp").build();

    private final McpSyncServer server;

    McpEndpoint() {
        // Tool calls run on the servlet thread that received them: the SDK would otherwise hand them to
        // Reactor's boundedElastic pool, and an outbound connection a tool makes there (fetch) could not be
        // traced back to the request that asked for it.
        McpServer.SyncSpecification<?> spec = McpServer.sync(transport).serverInfo("legacy-demo", "1.0.0")
                .immediateExecution(true);
        for (Tools.Tool tool : Tools.ALL) {
            spec.toolCall(Tool.builder(tool.name(), tool.inputSchema()).description(tool.description()).build(),
                    (exchange, call) -> call(tool, call.arguments()));
        }
        server = spec.build();
    }

    /** Starts {@code container} with this endpoint beside the other {@link Endpoints}. */
    static RunningServer serve(Options options, SelfSignedKeystore keystore, Container container) throws Exception {
        McpEndpoint mcp = new McpEndpoint();
        RunningServer server = container.start(options, keystore, Endpoints.routes(mcp.transport));
        return new RunningServer() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public int ajpPort() {
                return server.ajpPort();
            }

            @Override
            public void join() throws InterruptedException {
                server.join();
            }

            @Override
            public void stop() throws Exception {
                // MCP first: it ends the open SSE streams, which the container would otherwise wait for.
                mcp.server.closeGracefully();
                server.stop();
            }
        };
    }

    private static CallToolResult call(Tools.Tool tool, Map<String, Object> arguments) {
        try {
            return CallToolResult.builder().addTextContent(tool.call(arguments)).build();
        } catch (IllegalArgumentException e) {
            return CallToolResult.builder().addTextContent(e.getMessage()).isError(true).build();
        }
    }
}
