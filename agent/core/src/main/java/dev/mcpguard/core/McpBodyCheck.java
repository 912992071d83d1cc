package dev.mcpguard.core;

/**
 * The MCP gate's judgement of one request's JSON-RPC messages, as the {@link JsonRpcSniffer}
 * reads them from the body: each message must agree with the {@code Mcp-Method} / {@code Mcp-Name}
 * headers when they are present (MCP 2026-07-28; a batch cannot agree with one pair of headers),
 * and a {@code tools/call} must call a tool the principal holds the scopes for. One per request.
 */
final class McpBodyCheck implements JsonRpcSniffer.Messages {
    private final ToolScopes tools;
    private final Principal principal;
    private final String headerMethod;
    private final String headerName;
    private final boolean headerToolRefused;
    private final boolean mustBeJson;
    private final Refusal mismatch;
    private final Refusal ambiguous;
    private int messages;
    private Refusal refusal;
    private String detail;

    /**
     * @param tools        {@code null} when tool calls are not restricted
     * @param headerMethod {@code Mcp-Method}, {@code null} when absent
     * @param headerName   {@code Mcp-Name}, {@code null} when absent
     * @param headerToolRefused the tool {@code Mcp-Name} names was refused already (log-only goes on):
     *                          a message calling it is not refused again, one calling another tool is
     * @param mustBeJson   the request says its body is JSON (or says nothing): a body that is not is refused
     */
    McpBodyCheck(ToolScopes tools, Principal principal, String headerMethod, String headerName,
                 boolean headerToolRefused, boolean mustBeJson, Refusal mismatch, Refusal ambiguous) {
        this.tools = tools;
        this.principal = principal;
        this.headerMethod = headerMethod;
        this.headerName = headerName;
        this.headerToolRefused = headerToolRefused;
        this.mustBeJson = mustBeJson;
        this.mismatch = mismatch;
        this.ambiguous = ambiguous;
    }

    /** Whether a body that turns out not to be JSON is refused: its type says it is JSON. */
    boolean mustBeJson() {
        return mustBeJson;
    }

    @Override
    public boolean message(String method, String name) {
        messages++;
        if (!isAscii(method) || !isAscii(name)) {
            // MCP names are ASCII; servers that decode bodies without UTF-8 would read others differently
            return refuse(ambiguous, "non_ascii_name");
        }
        if (headerMethod != null || headerName != null) {
            if (messages > 1) {
                return refuse(mismatch, "batch_with_mcp_headers");
            }
            if (headerMethod != null && !headerMethod.equals(method)) {
                return refuse(mismatch, "mcp_method");
            }
            if (headerName != null && namedByName(method) && !headerName.equals(name)) {
                return refuse(mismatch, "mcp_name");
            }
        }
        if (tools != null && "tools/call".equals(method) && !(headerToolRefused && headerName.equals(name))) {
            ToolScopes.Rule rule = tools.of(name);
            if (!rule.permits(principal)) {
                return refuse(rule.refusal(), name == null ? "no_tool_name" : "tool=" + name);
            }
        }
        return true;
    }

    /** The refusal when {@link #message} stopped the body. */
    Refusal refusal() {
        return refusal;
    }

    /** What the refusal failed on, for the decision line's {@code mcpguard.detail}. */
    String detail() {
        return detail;
    }

    /**
     * The methods whose {@code Mcp-Name} is {@code params.name}; that of {@code resources/read} is
     * {@code params.uri}, which the sniffer does not read, and no tool scope depends on it.
     */
    private static boolean namedByName(String method) {
        return "tools/call".equals(method) || "prompts/get".equals(method);
    }

    private static boolean isAscii(String value) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private boolean refuse(Refusal refusal, String detail) {
        this.refusal = refusal;
        this.detail = detail;
        return false;
    }
}
