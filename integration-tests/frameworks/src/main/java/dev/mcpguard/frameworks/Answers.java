package dev.mcpguard.frameworks;

/**
 * What the endpoints answer: the same recognizable bodies as the demo app's, so that one oracle reads both. A
 * request that gets any of them reached the application.
 */
final class Answers {

    static final String TEXT = "text/plain;charset=UTF-8";
    static final String JSON = "application/json;charset=UTF-8";

    private Answers() {
    }

    /** {@code POST /mcp}: a JSON-RPC answer, as an MCP endpoint gives. */
    static String mcp(String app) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"serverInfo\":{\"name\":\"" + app + "\"}}}";
    }

    static String health() {
        return "ok";
    }

    /** {@code GET /inspector}: the developers-only page. */
    static String inspector(String app) {
        return "<h1>Inspector (developers only)</h1><pre>server=" + app + "</pre>";
    }

    /** Anything the framework routes under {@code prefix} ({@code /mcp} or {@code /inspector}) by its wildcard. */
    static String prefix(String prefix, String path) {
        return prefix.substring(1) + "-prefix:" + path;
    }

    static String uploaded(long bytes) {
        return "{\"bytes\":" + bytes + "}";
    }
}
