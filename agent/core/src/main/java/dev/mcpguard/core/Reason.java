package dev.mcpguard.core;

/** Why a gate refuses a request, with the HTTP status enforcement sends (design §4). */
public enum Reason {
    BAD_PATH(GateName.PATH, 400),
    LOOPBACK_ONLY(GateName.LOOPBACK, 403),
    ORIGIN_NOT_ALLOWED(GateName.ORIGIN, 403),
    HOST_NOT_ALLOWED(GateName.ORIGIN, 421),
    MISSING_TOKEN(GateName.AUTH, 401),
    INVALID_TOKEN(GateName.AUTH, 401),
    INVALID_REQUEST(GateName.AUTH, 401),
    /** Authenticated, but without a scope {@code MCPGUARD_REQUIRED_SCOPES} asks for (RFC 6750 §3.1). */
    INSUFFICIENT_SCOPE(GateName.AUTH, 403),
    /** Over the principal's (or client address's) rate; the refusal says when to retry. */
    RATE_LIMITED(GateName.RATE, 429),
    /** An {@code Mcp-Session-Id} another principal presented first. */
    SESSION_MISMATCH(GateName.MCP, 403),
    /** A {@code tools/call} of a tool whose scopes ({@code MCPGUARD_TOOL_SCOPES}) the principal lacks. */
    TOOL_SCOPE(GateName.MCP, 403, "insufficient_scope"),
    /** {@code Mcp-Method} / {@code Mcp-Name} headers that disagree with the JSON-RPC body (MCP HeaderMismatch). */
    HEADER_MISMATCH(GateName.MCP, 400),
    /** A body the MCP gate must read but cannot read one way only: JSON servers read differently, or encoded. */
    AMBIGUOUS_BODY(GateName.MCP, 400),
    BODY_TOO_LARGE(GateName.BODY, 413),
    BAD_CONTENT_LENGTH(GateName.BODY, 400),
    /** Not an HTTP refusal: the application's connect fails; the status is never sent. */
    DENIED_DESTINATION(GateName.EGRESS, 0),
    /** A gate failed internally and {@code MCPGUARD_ON_ERROR=deny}; the gate is the one that failed. */
    GATE_ERROR(null, 503);

    private final GateName gate;
    private final int status;
    private final String id;

    Reason(GateName gate, int status) {
        this(gate, status, null);
    }

    /** @param id the name in refusals and logs when it is not the constant's own (one reason, two gates) */
    Reason(GateName gate, int status, String id) {
        this.gate = gate;
        this.status = status;
        this.id = id != null ? id : name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The gate that gives this reason, {@code null} for {@link #GATE_ERROR} (any gate). */
    public GateName gate() {
        return gate;
    }

    public int status() {
        return status;
    }

    public String id() {
        return id;
    }
}
