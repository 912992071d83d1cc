package dev.mcpguard.core;

/** The outcome of gating one request, and the facts a decision line needs. */
public final class Verdict {
    private final RequestView request;
    private final String stack;
    private final String method;
    private final String path;
    private final boolean servesDocument;
    private Refusal refusal;
    private BodyMeter bodyMeter;
    private Principal principal;
    private String detail;
    private Refusal specific;
    private McpBodyCheck bodyCheck;

    /** @param servesDocument the request asks for a document the agent answers itself (RFC 9728 metadata) */
    Verdict(RequestView request, String stack, String method, String path, boolean servesDocument) {
        this.request = request;
        this.stack = stack;
        this.method = method;
        this.path = path;
        this.servesDocument = servesDocument;
    }

    /**
     * {@code true} when the request may go on to the application; else the adapter writes
     * {@link #refusal()}, which is also how the agent answers a request it serves itself.
     */
    public boolean allowed() {
        return refusal == null;
    }

    /** The response to send when not {@link #allowed()}: a refusal, or a document the agent serves (status 200). */
    public Refusal refusal() {
        return refusal;
    }

    /**
     * The meter the adapter feeds the body to as the application reads it, or {@code null} when
     * nothing reads the body. The BODY gate counts it when no length is declared (a declared one
     * was checked already, and servers never read past it), so the body may be chunked or HTTP/2;
     * or when it has a {@code Content-Encoding}, which a server may inflate past any declared
     * length. The MCP gate reads it when it restricts tools or the request has MCP headers.
     */
    public BodyMeter bodyMeter() {
        return bodyMeter;
    }

    public String stack() {
        return stack;
    }

    public String method() {
        return method;
    }

    /** The normalized path, or the raw path without query when it could not be normalized. */
    public String path() {
        return path;
    }

    /** Whether the agent answers this request with a document of its own: decided once, read by AUTH and the guard. */
    boolean servesDocument() {
        return servesDocument;
    }

    /** Who the request comes from, once the AUTH gate authenticated it; {@code null} before and without. */
    public Principal principal() {
        return principal;
    }

    /** What exactly the refusal being recorded failed on ({@code expired}, {@code audience}, …), or {@code null}. */
    public String detail() {
        return detail;
    }

    /** The socket peer, read only when a decision is logged; {@code null} when unknown. */
    public String client() {
        return request == null ? null : request.peerAddress();
    }

    void refuse(Refusal refusal) {
        this.refusal = refusal;
    }

    void authenticated(Principal principal) {
        this.principal = principal;
    }

    /** Set by a gate for the refusal it is about to give; cleared once that refusal is recorded. */
    void detail(String detail) {
        this.detail = detail;
    }

    /**
     * Set by a gate whose refusal carries more than its reason ({@code Retry-After}, the scopes of
     * one tool), for the refusal it is about to give; taken by the guard when it records it.
     */
    void refuseWith(Refusal refusal) {
        this.specific = refusal;
    }

    /** The refusal a gate set with {@link #refuseWith}, once; {@code null} when it set none. */
    Refusal takeSpecific() {
        Refusal taken = specific;
        specific = null;
        return taken;
    }

    /** Set by the MCP gate for a request whose JSON-RPC body it must read. */
    void inspectBody(McpBodyCheck check) {
        this.bodyCheck = check;
    }

    McpBodyCheck bodyCheck() {
        return bodyCheck;
    }

    void meterBody(BodyMeter bodyMeter) {
        this.bodyMeter = bodyMeter;
    }
}
