package dev.mcpguard.core;

import java.nio.charset.StandardCharsets;

/**
 * The response that refuses a request (design §5), rendered once at start so that refusing
 * allocates nothing. The body is a one-line JSON-RPC 2.0 error.
 */
public final class Refusal {
    public static final String CONTENT_TYPE = "application/json";
    public static final String CACHE_CONTROL = "no-store";

    private final GateName gate;
    private final Reason reason;
    private final String bodyText;
    private final byte[] body;
    private final String wwwAuthenticate;

    Refusal(GateName gate, Reason reason, String wwwAuthenticate) {
        this.gate = gate;
        this.reason = reason;
        this.wwwAuthenticate = wwwAuthenticate;
        this.bodyText = ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code(reason.status())
                + ",\"message\":\"" + message(reason.status()) + "\",\"data\":{\"gate\":\"" + gate.id()
                + "\",\"error\":\"" + reason.id() + "\"}}}");
        this.body = bodyText.getBytes(StandardCharsets.US_ASCII);
    }

    public GateName gate() {
        return gate;
    }

    public Reason reason() {
        return reason;
    }

    public int status() {
        return reason.status();
    }

    /** The JSON body; shared by every refusal of this kind, so callers must not modify it. */
    public byte[] body() {
        return body;
    }

    /** The same JSON body as text (ASCII), for servers that only offer a writer. */
    public String bodyText() {
        return bodyText;
    }

    /** The {@code WWW-Authenticate} value for a 401, else {@code null}. */
    public String wwwAuthenticate() {
        return wwwAuthenticate;
    }

    private static int code(int status) {
        switch (status) {
            case 400: return -32600;
            case 401: return -32001;
            case 403: return -32003;
            case 413: return -32013;
            case 421: return -32011;
            default: return -32603;
        }
    }

    private static String message(int status) {
        switch (status) {
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 413: return "Payload Too Large";
            case 421: return "Misdirected Request";
            default: return "Gate Error";
        }
    }

    @Override
    public String toString() {
        return gate.id() + "/" + reason.id() + "/" + status();
    }
}
