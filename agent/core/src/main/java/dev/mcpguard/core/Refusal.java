package dev.mcpguard.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The response that refuses a request (design §5), rendered once at start so that refusing
 * allocates nothing. The body is a one-line JSON-RPC 2.0 error; the headers are one list that
 * every adapter writes in a loop, {@code Connection: close} last.
 */
public final class Refusal {
    private final GateName gate;
    private final Reason reason;
    private final byte[] body;
    private final String[] headerNames;
    private final String[] lowerCaseHeaderNames;
    private final String[] headerValues;

    private final int status;

    Refusal(GateName gate, Reason reason, String wwwAuthenticate) {
        this(gate, reason, wwwAuthenticate, null);
    }

    /** @param retryAfter {@code Retry-After} in whole seconds (RFC 9110 §10.2.3), {@code null} for none */
    Refusal(GateName gate, Reason reason, String wwwAuthenticate, String retryAfter) {
        this(gate, reason, reason.status(), ("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
                + code(reason) + ",\"message\":\"" + message(reason.status()) + "\",\"data\":{\"gate\":\""
                + gate.id() + "\",\"error\":\"" + reason.id() + "\"}}}").getBytes(StandardCharsets.US_ASCII),
                wwwAuthenticate, retryAfter);
    }

    private Refusal(GateName gate, Reason reason, int status, byte[] body, String wwwAuthenticate,
                    String retryAfter) {
        this.gate = gate;
        this.reason = reason;
        this.status = status;
        this.body = body;
        List<String> names = new ArrayList<>(List.of("Content-Type", "Cache-Control", "Content-Length"));
        List<String> values = new ArrayList<>(List.of("application/json", "no-store", Integer.toString(body.length)));
        if (wwwAuthenticate != null) {
            names.add("WWW-Authenticate");
            values.add(wwwAuthenticate);
        }
        if (retryAfter != null) {
            names.add("Retry-After");
            values.add(retryAfter);
        }
        names.add("Connection");
        values.add("close");
        this.headerNames = names.toArray(new String[0]);
        this.headerValues = values.toArray(new String[0]);
        this.lowerCaseHeaderNames = new String[headerNames.length];
        for (int i = 0; i < headerNames.length; i++) {
            lowerCaseHeaderNames[i] = headerNames[i].toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A document the agent answers with itself, in place of the application (the RFC 9728
     * metadata): status 200, written by the adapters exactly as a refusal is, never logged as one.
     * Its {@link #gate()} and {@link #reason()} are {@code null}.
     */
    static Refusal document(byte[] json) {
        return new Refusal(null, null, 200, json, null, null);
    }

    public GateName gate() {
        return gate;
    }

    public Reason reason() {
        return reason;
    }

    public int status() {
        return status;
    }

    /** The JSON body; shared by every refusal of this kind, so callers must not modify it. */
    public byte[] body() {
        return body;
    }

    /**
     * How many of the headers a response over {@code http1} carries: all of them over HTTP/1, all
     * but the last, {@code Connection}, over HTTP/2 and 3, which forbid connection-specific headers
     * (RFC 9113 §8.2.2) and end the refused stream only.
     */
    public int headerCount(boolean http1) {
        return http1 ? headerNames.length : headerNames.length - 1;
    }

    /**
     * The name of header {@code index}, spelled as servers' own header tables spell it
     * ({@code Content-Type}), so that they find their constant for it rather than make one.
     */
    public String headerName(int index) {
        return headerNames[index];
    }

    /** The same name in lower case, as HTTP/2 and 3 require and Netty's header names are. */
    public String lowerCaseHeaderName(int index) {
        return lowerCaseHeaderNames[index];
    }

    public String headerValue(int index) {
        return headerValues[index];
    }

    /** MCP's own {@code HeaderMismatch} for its reason; else mcpguard's code for the status. */
    private static int code(Reason reason) {
        if (reason == Reason.HEADER_MISMATCH) {
            return -32020;
        }
        switch (reason.status()) {
            case 400: return -32600;
            case 401: return -32001;
            case 403: return -32003;
            case 413: return -32013;
            case 421: return -32011;
            case 429: return -32009;
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
            case 429: return "Too Many Requests";
            default: return "Gate Error";
        }
    }

    @Override
    public String toString() {
        return gate == null ? "document/" + status : gate.id() + "/" + reason.id() + "/" + status;
    }
}
