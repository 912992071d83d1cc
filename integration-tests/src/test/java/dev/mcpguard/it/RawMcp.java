package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * MCP spoken as raw JSON-RPC over {@code POST /mcp}, for the stacks whose endpoint is the demo's hand-written one
 * (plain {@code application/json} answers, no SSE, no session id): each message on its own connection, with the
 * headers an MCP client sends.
 */
final class RawMcp {

    static final String PROTOCOL_VERSION = "2025-06-18";

    private RawMcp() {}

    /** Sends one JSON-RPC message and collects the decision lines; {@code token} null: no {@code Authorization}. */
    static Exchange send(DemoServer server, String token, Map<String, Object> message) {
        return server.exchange(post(token, message));
    }

    /** The HTTP request that carries one JSON-RPC message; {@code token} null: no {@code Authorization} header. */
    static Request post(String token, Map<String, Object> message) {
        Request request = Request.post("/mcp")
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", PROTOCOL_VERSION);
        if (token != null) {
            request = request.bearer(token);
        }
        return request.body(json(message));
    }

    static Map<String, Object> request(int id, String method, Map<String, Object> params) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        return message;
    }

    static Map<String, Object> notification(String method) {
        return Map.of("jsonrpc", "2.0", "method", method);
    }

    static Map<String, Object> initialize(int id) {
        return request(id, "initialize", Map.of(
                "protocolVersion", PROTOCOL_VERSION,
                "capabilities", Map.of(),
                "clientInfo", Map.of("name", "mcpguard-it", "version", "1")));
    }

    /** The {@code result} of a successful JSON-RPC answer to request {@code id}, which no gate logged anything for. */
    static Map<String, Object> result(Exchange ex, int id) {
        Expect.passed(ex, 200);
        return result(ex.response(), id);
    }

    /** The {@code result} of a successful JSON-RPC answer to request {@code id}: 200, {@code application/json}. */
    @SuppressWarnings("unchecked") // a JSON object always parses to a string-keyed map
    static Map<String, Object> result(RawResponse response, int id) {
        assertThat(response.status()).as("status of %s", response).isEqualTo(200);
        assertThat(response.header("Content-Type")).as("Content-Type").startsWithIgnoringCase("application/json");
        Map<String, Object> answer = Expect.json(response.text());
        assertThat(answer).as("answer").containsEntry("jsonrpc", "2.0").containsEntry("id", id).doesNotContainKey("error");
        assertThat(answer.get("result")).as("result of %s", answer).isInstanceOf(Map.class);
        return (Map<String, Object>) answer.get("result");
    }

    /**
     * With the token: initialize, the initialized notification, a call of {@code echo}, which must echo. Only the
     * answers are checked, not the decision log.
     */
    @SuppressWarnings("unchecked") // a JSON array of objects parses to a list of string-keyed maps
    static void initializeAndEcho(DemoServer server, String token, String text) {
        result(RawHttp.exchange(server.port(), post(token, initialize(1))), 1);
        assertThat(RawHttp.exchange(server.port(), post(token, notification("notifications/initialized"))).status())
                .as("status of the initialized notification").isEqualTo(202);
        Map<String, Object> called = result(RawHttp.exchange(server.port(), post(token,
                request(2, "tools/call", Map.of("name", "echo", "arguments", Map.of("text", text))))), 2);
        assertThat((List<Map<String, Object>>) called.get("content")).singleElement()
                .satisfies(content -> assertThat(content).containsEntry("type", "text").containsEntry("text", text));
    }

    /** The JSON-RPC answer in a response: its body, or the data of its event where the SDK answers with a stream. */
    static String answer(RawResponse response) {
        String type = response.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            return response.text();
        }
        return response.text().lines().filter(line -> line.startsWith("data:")).map(line -> line.substring(5).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no data in the event stream " + response));
    }

    static byte[] json(Map<String, Object> message) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(message).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
