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
 * ({@code Content-Encoding}) or declared in a charset other than UTF-8 is refused: what the
 * application would read is not what the gate can see.
 */
final class McpGate implements Gate {
    private final SessionBindings sessions;
    private final ToolScopes tools;
    private final LongSupplier nanoTime;
    private final Refusal mismatch;
    private final Refusal ambiguous;

    /**
     * @param sessionBinding whether session ids are bound to principals
     * @param tools          the scopes each tool needs, {@code null} when tool calls are not restricted
     */
    McpGate(boolean sessionBinding, ToolScopes tools, LongSupplier nanoTime, Refusals refusals) {
        this.nanoTime = nanoTime;
        this.sessions = sessionBinding ? new SessionBindings(nanoTime.getAsLong()) : null;
        this.tools = tools;
        this.mismatch = refusals.of(Reason.HEADER_MISMATCH);
        this.ambiguous = refusals.of(Reason.AMBIGUOUS_BODY);
    }

    @Override
    public GateName name() {
        return GateName.MCP;
    }

    /**
     * The request's first refusal; the body is read all the same after a session or a header-level
     * tool refusal, so that in log-only mode what the body would be refused for is logged too.
     */
    @Override
    public Reason check(RequestView request, String path, Verdict verdict) {
        Reason refused = null;
        if (sessions != null) {
            String id = request.onlyHeader("mcp-session-id");
            Principal principal = verdict.principal();
            String why = id == RequestView.SEVERAL ? "several_session_ids"
                    : id != null && principal != null ? sessions.bind(id, principal.key(), nanoTime.getAsLong()) : null;
            if (why != null) {
                verdict.detail(why);
                refused = Reason.SESSION_MISMATCH;
            }
        }
        String method = request.onlyHeader("mcp-method");
        String name = request.onlyHeader("mcp-name");
        if (tools == null && method == null && name == null) {
            return refused;
        }
        String contentType = request.onlyHeader("content-type");
        int type = contentType == RequestView.SEVERAL ? OTHER_CHARSET : bodyType(contentType);
        String unreadable = method == RequestView.SEVERAL || name == RequestView.SEVERAL ? "several_mcp_headers"
                : !request.everyHeader("content-encoding", McpGate::isIdentity) ? "content_encoding"
                : type == OTHER_CHARSET ? "content_type" : null;
        if (unreadable != null) {
            if (refused != null) {
                return refused;
            }
            verdict.detail(unreadable);
            return unreadable.equals("several_mcp_headers") ? Reason.HEADER_MISMATCH : Reason.AMBIGUOUS_BODY;
        }
        if (refused == null && tools != null && "tools/call".equals(method) && name != null) {
            ToolScopes.Rule rule = tools.of(name);
            if (!rule.permits(verdict.principal())) {
                verdict.detail("tool=" + name);
                verdict.refuseWith(rule.refusal());
                refused = Reason.TOOL_SCOPE;
            }
        }
        verdict.inspectBody(new McpBodyCheck(tools, verdict.principal(), method, name,
                refused == Reason.TOOL_SCOPE, type == JSON, mismatch, ambiguous));
        return refused;
    }

    /** {@link #bodyType}: JSON, in UTF-8 (or ASCII, or no charset named). */
    static final int JSON = 1;
    /** {@link #bodyType}: another media type, in UTF-8 or no charset named: an upload, a form. */
    static final int OTHER_TYPE = 0;
    /** {@link #bodyType}: a charset other than UTF-8, or several {@code Content-Type} fields. */
    static final int OTHER_CHARSET = -1;

    /**
     * What a {@code Content-Type} tells of how the application will decode the body. A charset
     * other than UTF-8 is refused while the gate must read the body: a server that honours it
     * (a servlet's {@code getReader()}) reads JSON-RPC where the gate sees bytes that are not JSON
     * (EBCDIC, say). A JSON type, or none, means the body must be JSON: one that is not is refused
     * too, rather than left to a lenient parser's reading.
     */
    static int bodyType(String contentType) {
        if (contentType == null) {
            return JSON;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(java.util.Locale.ROOT);
        for (int at = semicolon; at >= 0; ) {
            int next = contentType.indexOf(';', at + 1);
            String parameter = contentType.substring(at + 1, next < 0 ? contentType.length() : next).trim();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String charset = parameter.substring(eq + 1).trim();
                if (charset.length() >= 2 && charset.charAt(0) == '"' && charset.charAt(charset.length() - 1) == '"') {
                    charset = charset.substring(1, charset.length() - 1);
                }
                if (!(charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8")
                        || charset.equalsIgnoreCase("us-ascii"))) {
                    return OTHER_CHARSET;
                }
            }
            at = next;
        }
        return media.equals("application/json") || media.endsWith("+json") || media.isEmpty() ? JSON : OTHER_TYPE;
    }

    private static boolean isIdentity(String contentEncoding) {
        return contentEncoding.trim().equalsIgnoreCase("identity");
    }
}
