package dev.mcpguard.it;

/** The refusals of design §4, with what §5 says goes into their response. */
enum Refusal {
    BAD_PATH(400, "path", "bad_path"),
    LOOPBACK_ONLY(403, "loopback", "loopback_only"),
    ORIGIN_NOT_ALLOWED(403, "origin", "origin_not_allowed"),
    HOST_NOT_ALLOWED(421, "origin", "host_not_allowed"),
    MISSING_TOKEN(401, "auth", "missing_token"),
    INVALID_TOKEN(401, "auth", "invalid_token"),
    INVALID_REQUEST(401, "auth", "invalid_request"),
    INSUFFICIENT_SCOPE(403, "auth", "insufficient_scope"),
    RATE_LIMITED(429, "rate", "rate_limited"),
    SESSION_MISMATCH(403, "mcp", "session_mismatch"),
    TOOL_SCOPE(403, "mcp", "insufficient_scope"),
    /** MCP's own {@code HeaderMismatch} code (§5): the one code not mcpguard's code for the status. */
    HEADER_MISMATCH(400, "mcp", "header_mismatch", -32020),
    AMBIGUOUS_BODY(400, "mcp", "ambiguous_body"),
    BODY_TOO_LARGE(413, "body", "body_too_large"),
    BAD_CONTENT_LENGTH(400, "body", "bad_content_length");

    final int status;
    final String gate;
    final String reason;
    /** The JSON-RPC error code the reason takes instead of its status's; null: the status's. */
    private final Integer ownCode;

    Refusal(int status, String gate, String reason) {
        this(status, gate, reason, null);
    }

    Refusal(int status, String gate, String reason, Integer ownCode) {
        this.status = status;
        this.gate = gate;
        this.reason = reason;
        this.ownCode = ownCode;
    }

    /** The JSON-RPC error code of the refusal body (§5): the reason's own, else the status's. */
    int code() {
        if (ownCode != null) {
            return ownCode;
        }
        return switch (status) {
            case 400 -> -32600;
            case 401 -> -32001;
            case 403 -> -32003;
            case 413 -> -32013;
            case 421 -> -32011;
            case 429 -> -32009;
            default -> throw new IllegalStateException("no code for " + status);
        };
    }

    /** The JSON-RPC error message of the refusal body (§5). */
    String message() {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 413 -> "Payload Too Large";
            case 421 -> "Misdirected Request";
            case 429 -> "Too Many Requests";
            default -> throw new IllegalStateException("no message for " + status);
        };
    }

    /**
     * The {@code WWW-Authenticate} value of this auth refusal (§4): realm, then resource metadata when
     * configured, then the error, which {@code missing_token} has none of.
     */
    String challenge(String realm, String resourceMetadata) {
        if (status != 401) {
            throw new IllegalStateException(this + " is not an auth refusal");
        }
        StringBuilder value = new StringBuilder("Bearer realm=\"").append(realm).append('"');
        if (resourceMetadata != null) {
            value.append(", resource_metadata=\"").append(resourceMetadata).append('"');
        }
        if (this != MISSING_TOKEN) {
            value.append(", error=\"").append(reason).append('"');
        }
        return value.toString();
    }
}
