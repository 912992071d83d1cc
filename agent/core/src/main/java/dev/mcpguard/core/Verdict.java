package dev.mcpguard.core;

/** The outcome of gating one request, and the facts a decision line needs. */
public final class Verdict {
    private final RequestView request;
    private final String stack;
    private final String method;
    private final String path;
    private Refusal refusal;
    private BodyMeter bodyMeter;

    Verdict(RequestView request, String stack, String method, String path) {
        this.request = request;
        this.stack = stack;
        this.method = method;
        this.path = path;
    }

    /** {@code true} when the request may go on to the application. */
    public boolean allowed() {
        return refusal == null;
    }

    /** The refusal to send when not {@link #allowed()}. */
    public Refusal refusal() {
        return refusal;
    }

    /**
     * The meter the adapter feeds the body to as the application reads it, or {@code null} when
     * the body is not counted. It is counted when the BODY gate is on and no length is declared (a
     * declared one was checked already, and servers never read past it), so the body may be chunked
     * or HTTP/2; or when the body has a {@code Content-Encoding}, which a server may inflate past
     * any declared length.
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

    /** The socket peer, read only when a decision is logged; {@code null} when unknown. */
    public String client() {
        return request == null ? null : request.peerAddress();
    }

    void refuse(Refusal refusal) {
        this.refusal = refusal;
    }

    void meterBody(BodyMeter bodyMeter) {
        this.bodyMeter = bodyMeter;
    }
}
