package dev.mcpguard.core;

import java.util.function.LongSupplier;

/**
 * The MCP-aware gate. Session binding: an {@code Mcp-Session-Id} belongs to the first
 * authenticated principal to present it ({@link SessionBindings}); several {@code Mcp-Session-Id}
 * fields are refused, since servers would pick different ones. A request without a principal
 * (a public path, {@code MCPGUARD_NO_AUTH}) binds nothing: there is no one to bind it to.
 */
final class McpGate implements Gate {
    private final SessionBindings sessions;
    private final LongSupplier nanoTime;

    /** @param sessionBinding whether session ids are bound to principals */
    McpGate(boolean sessionBinding, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.sessions = sessionBinding ? new SessionBindings(nanoTime.getAsLong()) : null;
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
        return null;
    }

    /** How many session ids are bound. */
    int boundSessions() {
        return sessions == null ? 0 : sessions.size();
    }
}
