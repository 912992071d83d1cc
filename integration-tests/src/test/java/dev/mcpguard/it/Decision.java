package dev.mcpguard.it;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** One line of the decision log (design §7): a JSON object on one stderr line holding {@code event.action}. */
record Decision(String line, Map<String, Object> fields) {

    private static final TypeRef<Map<String, Object>> OBJECT = new TypeRef<>() {};

    /** The line as a decision, or empty when it is some other line (banner, warnings, the app's own logs). */
    static Optional<Decision> parse(String line) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("{") || !trimmed.contains("\"event.action\"")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Decision(line, McpJsonDefaults.getMapper().readValue(trimmed, OBJECT)));
        } catch (IOException e) {
            throw new AssertionError("a decision line that is not one JSON object: " + line, e);
        }
    }

    String action() {
        return text("event.action");
    }

    String gate() {
        return text("mcpguard.gate");
    }

    String reason() {
        return text("mcpguard.reason");
    }

    Object status() {
        return fields.get("http.response.status_code");
    }

    String method() {
        return text("http.request.method");
    }

    String path() {
        return text("url.path");
    }

    String client() {
        return text("client.address");
    }

    String stack() {
        return text("mcpguard.stack");
    }

    /** The principal (design §9); null when the request had none. */
    String userName() {
        return text("user.name");
    }

    /** Which check failed, as §9 names it; null when the line has none. */
    String detail() {
        return text("mcpguard.detail");
    }

    String timestamp() {
        return text("@timestamp");
    }

    private String text(String field) {
        Object value = fields.get(field);
        return value == null ? null : value.toString();
    }

    @Override
    public String toString() {
        return line;
    }
}
