package dev.mcpguard.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/1.1 request written byte for byte as the test says, malformed on purpose where it says so:
 * duplicate headers, targets no client library would send, lying lengths. Immutable.
 */
final class Request {

    /** The {@link #host} of an HTTP/1.0 request sent without a {@code Host} line; compared by identity. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String NO_HOST = new String("(HTTP/1.0, no Host)");

    private final String method;
    private final String target;
    private final String host;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;

    private Request(String method, String target, String host, List<Map.Entry<String, String>> headers, byte[] body) {
        this.method = method;
        this.target = target;
        this.host = host;
        this.headers = List.copyOf(headers);
        this.body = body;
    }

    static Request get(String target) {
        return new Request("GET", target, null, List.of(), new byte[0]);
    }

    static Request post(String target) {
        return new Request("POST", target, null, List.of(), new byte[0]);
    }

    /** Any other method, such as {@code HEAD}. */
    static Request of(String method, String target) {
        return new Request(method, target, null, List.of(), new byte[0]);
    }

    String method() {
        return method;
    }

    /** The target without its query: what the decision log shows of a path that failed normalization. */
    String rawPath() {
        return target.split("\\?", 2)[0];
    }

    /** Adds a header line; adding the same name twice sends it twice. */
    Request header(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Request(method, target, host, more, body);
    }

    Request bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    /** The {@code Host} header; by default the address the server listens on. */
    Request host(String value) {
        return new Request(method, target, value, headers, body);
    }

    /** Sent as HTTP/1.0 without a {@code Host} line: the server can only take the host from an absolute-form target. */
    Request http10WithoutHost() {
        return new Request(method, target, NO_HOST, headers, body);
    }

    /** A body with its true {@code Content-Length}. */
    Request body(byte[] bytes) {
        return header("Content-Length", Integer.toString(bytes.length)).rawBody(bytes);
    }

    /** Bytes sent after the head as they are, framed only by the headers the test added. */
    Request rawBody(byte[] bytes) {
        return new Request(method, target, host, headers, bytes.clone());
    }

    /** The request head alone, for tests that send the body later or never. */
    byte[] head(int port) {
        StringBuilder head = new StringBuilder().append(method).append(' ').append(target);
        if (host == NO_HOST) {
            head.append(" HTTP/1.0\r\n");
        } else {
            head.append(" HTTP/1.1\r\n").append("Host: ").append(host != null ? host : "127.0.0.1:" + port).append("\r\n");
        }
        headers.forEach(h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    byte[] bytes(int port) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(head(port));
        all.writeBytes(body);
        return all.toByteArray();
    }

    /** A chunked body made of {@code count} chunks of {@code size} bytes, then the last chunk. */
    static byte[] chunked(int count, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(filler(size));
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] filler(int size) {
        return "x".repeat(size).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(method).append(' ').append(target);
        if (host != null) {
            text.append(" Host: ").append(host);
        }
        headers.forEach(h -> text.append(" | ").append(h.getKey()).append(": ").append(h.getValue()));
        return text.toString();
    }
}
