package com.example.legacymcp.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hand-written MCP endpoint of the stacks that do not run the SDK's transport: JSON-RPC
 * over {@code POST /mcp}, each request answered with one {@code application/json} body. No SSE
 * stream, no session: a server from before the SDK existed, which is what the demo stands for.
 * Each stack only hands it the request body and writes out the {@link Reply}.
 */
public final class McpJsonRpc {

    /** The revision this server speaks when the client names none. */
    public static final String PROTOCOL_VERSION = "2025-06-18";

    private static final int PARSE_ERROR = -32700;
    private static final int INVALID_REQUEST = -32600;
    private static final int METHOD_NOT_FOUND = -32601;
    private static final int INVALID_PARAMS = -32602;

    private static final JsonMapper JSON = JsonMapper.shared();

    private McpJsonRpc() {
    }

    /** Answers one POSTed JSON-RPC message. */
    public static Reply handle(byte[] body) {
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (JacksonException e) {
            return error(400, null, PARSE_ERROR, "Parse error");
        }
        if (!message.isObject()) {
            return error(400, null, INVALID_REQUEST, "Expected one JSON-RPC message object (no batches)");
        }
        if (!message.has("method")) {
            // A client's answer to a server request: this server sends none, so there is nothing to do.
            return message.has("id") ? Reply.empty(202) : error(400, null, INVALID_REQUEST, "No method");
        }
        if (!message.get("method").isString()) {
            return error(400, message.get("id"), INVALID_REQUEST, "The method must be a string");
        }
        String method = message.get("method").stringValue();
        if (!message.has("id")) {
            return Reply.empty(202); // a notification, such as notifications/initialized
        }
        JsonNode id = message.get("id");
        JsonNode params = message.path("params");
        return switch (method) {
            case "initialize" -> result(id, initialize(params));
            case "ping" -> result(id, object());
            case "tools/list" -> result(id, object("tools", Tools.ALL.stream().map(McpJsonRpc::describe).toList()));
            case "tools/call" -> callTool(id, params);
            default -> error(200, id, METHOD_NOT_FOUND, "Method not found: " + method);
        };
    }

    private static Map<String, Object> initialize(JsonNode params) {
        return object(
                "protocolVersion", params.path("protocolVersion").asString(PROTOCOL_VERSION),
                "capabilities", object("tools", object()),
                "serverInfo", object("name", "legacy-demo", "version", "1.0.0"));
    }

    private static Map<String, Object> describe(Tools.Tool tool) {
        return object("name", tool.name(), "description", tool.description(), "inputSchema", tool.inputSchema());
    }

    private static Reply callTool(JsonNode id, JsonNode params) {
        String name = params.path("name").asString("");
        Tools.Tool tool = Tools.byName(name).orElse(null);
        if (tool == null) {
            return error(200, id, INVALID_PARAMS, "Unknown tool: " + name);
        }
        JsonNode arguments = params.path("arguments");
        try {
            Map<?, ?> values = arguments.isObject() ? JSON.treeToValue(arguments, Map.class) : Map.of();
            @SuppressWarnings("unchecked") // JSON object keys are strings
            Map<String, ?> named = (Map<String, ?>) values;
            return result(id, toolResult(tool.call(named), false));
        } catch (IllegalArgumentException e) {
            return result(id, toolResult(e.getMessage(), true));
        }
    }

    private static Map<String, Object> toolResult(String text, boolean isError) {
        return object("content", List.of(object("type", "text", "text", text)), "isError", isError);
    }

    private static Reply result(JsonNode id, Object result) {
        return new Reply(200, Reply.JSON, JSON.writeValueAsBytes(object("jsonrpc", "2.0", "id", id, "result", result)));
    }

    private static Reply error(int status, JsonNode id, int code, String message) {
        Map<String, Object> error = object("code", code, "message", message);
        return new Reply(status, Reply.JSON, JSON.writeValueAsBytes(object("jsonrpc", "2.0", "id", id, "error", error)));
    }

    /** A JSON object with its members in the order given; a null value is written as null. */
    private static Map<String, Object> object(Object... namesAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return object;
    }
}
