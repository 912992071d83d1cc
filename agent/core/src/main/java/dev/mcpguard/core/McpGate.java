package dev.mcpguard.core;

import java.util.function.LongSupplier;

/**
 * The MCP-aware gate. Session binding: an {@code Mcp-Session-Id} belongs to the first
 * authenticated principal to present it ({@link SessionBindings}); several {@code Mcp-Session-Id}
 * fields are refused, since servers would pick different ones. A request without a principal
 * (a public path, {@code MCPGUARD_NO_AUTH}) binds nothing: there is no one to bind it to.
 *
 * <p>Tool scopes and the {@code Mcp-Method} / {@code Mcp-Name} headers are judged on the JSON-RPC
 * body as the application reads it ({@link McpBodyCheck}, through the request's
 * {@link BodyMeter}); a {@code tools/call} whose headers name a tool the principal may not call is
 * refused before its body is read. A body the gate must read but that is encoded
 * ({@code Content-Encoding}) is refused: what the application would read is not what it can see.
 */
final class McpGate implements Gate {
    private final SessionBindings sessions;
    private final ToolScopes tools;
    private final LongSupplier nanoTime;
    private final Refusal mismatch;

    /**
     * @param sessionBinding whether session ids are bound to principals
     * @param tools          the scopes each tool needs, {@code null} when tool calls are not restricted
     */
    McpGate(boolean sessionBinding, ToolScopes tools, LongSupplier nanoTime, Refusals refusals) {
        this.nanoTime = nanoTime;
        this.sessions = sessionBinding ? new SessionBindings(nanoTime.getAsLong()) : null;
        this.tools = tools;
        this.mismatch = refusals.of(Reason.HEADER_MISMATCH);
    }

    @Override
    public GateName name() {
        return GateName.MCP;
    }

    @Override
    public Reason check(RequestView request, String path, Verdict verdict) {
        if (sessions != null) {
            String id = request.onlyHeader("mcp-session-id");
            if (id == RequestView.SEVERAL) {
                verdict.detail("several_session_ids");
                return Reason.SESSION_MISMATCH;
            }
            Principal principal = verdict.principal();
            if (id != null && principal != null) {
                String refused = sessions.bind(id, principal.name(), nanoTime.getAsLong());
                if (refused != null) {
                    verdict.detail(refused);
                    return Reason.SESSION_MISMATCH;
                }
            }
        }
        String method = request.onlyHeader("mcp-method");
        String name = request.onlyHeader("mcp-name");
        if (method == RequestView.SEVERAL || name == RequestView.SEVERAL) {
            verdict.detail("several_mcp_headers");
            return Reason.HEADER_MISMATCH;
        }
        if (tools == null && method == null && name == null) {
            return null;
        }
        if (request.headerCount("content-encoding") > 0) {
            verdict.detail("content_encoding");
            return Reason.AMBIGUOUS_BODY;
        }
        if (tools != null && "tools/call".equals(method) && name != null) {
            ToolScopes.Rule rule = tools.of(name);
            if (!rule.permits(verdict.principal())) {
                verdict.detail("tool=" + name);
                verdict.refuseWith(rule.refusal());
                return Reason.TOOL_SCOPE;
            }
        }
        verdict.inspectBody(new McpBodyCheck(tools, verdict.principal(), method, name, mismatch));
        return null;
    }

    /** How many session ids are bound. */
    int boundSessions() {
        return sessions == null ? 0 : sessions.size();
    }
}
