package dev.mcpguard.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small AJP/1.3 client, as a web server's connector (Apache httpd's mod_proxy_ajp, mod_jk) speaks it to Tomcat
 * (the Tomcat Connectors' "AJPv13" protocol reference): one forward request on a new connection, its body in data
 * packets, and the response read back from SEND_HEADERS, SEND_BODY_CHUNK and END_RESPONSE. The forward request says
 * which client it speaks for ({@code remote_addr}); the test chooses what it claims. Immutable.
 */
final class Ajp13 {

    private static final Map<String, Integer> METHOD_CODES = Map.of(
            "OPTIONS", 1, "GET", 2, "HEAD", 3, "POST", 4, "PUT", 5, "DELETE", 6);
    /** Request headers sent as a code rather than a name (lower case). */
    private static final Map<String, Integer> REQUEST_HEADER_CODES = Map.ofEntries(
            Map.entry("accept", 0xA001), Map.entry("accept-charset", 0xA002), Map.entry("accept-encoding", 0xA003),
            Map.entry("accept-language", 0xA004), Map.entry("authorization", 0xA005), Map.entry("connection", 0xA006),
            Map.entry("content-type", 0xA007), Map.entry("content-length", 0xA008), Map.entry("cookie", 0xA009),
            Map.entry("cookie2", 0xA00A), Map.entry("host", 0xA00B), Map.entry("pragma", 0xA00C),
            Map.entry("referer", 0xA00D), Map.entry("user-agent", 0xA00E));
    /** Response header codes 0xA001 to 0xA00B, in order. */
    private static final List<String> RESPONSE_HEADER_NAMES = List.of("Content-Type", "Content-Language",
            "Content-Length", "Date", "Last-Modified", "Location", "Set-Cookie", "Set-Cookie2", "Servlet-Engine",
            "Status", "WWW-Authenticate");

    private static final int FORWARD_REQUEST = 2;
    private static final int SEND_BODY_CHUNK = 3;
    private static final int SEND_HEADERS = 4;
    private static final int END_RESPONSE = 5;
    private static final int GET_BODY_CHUNK = 6;
    private static final int ATTRIBUTE_QUERY_STRING = 0x05;
    private static final int ATTRIBUTES_END = 0xFF;
    /** The largest data a body packet carries: 8 KiB packets, less the packet and chunk lengths. */
    private static final int MAX_CHUNK = 8192 - 6;
    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private final String method;
    private final String uri;
    private final String query;
    private final String remoteAddress;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;

    private Ajp13(String method, String uri, String query, String remoteAddress, List<Map.Entry<String, String>> headers,
            byte[] body) {
        this.method = method;
        this.uri = uri;
        this.query = query;
        this.remoteAddress = remoteAddress;
        this.headers = List.copyOf(headers);
        this.body = body;
    }

    /** A forward request for {@code uri} (AJP's {@code req_uri}: all of it is path), for a client at 198.51.100.7. */
    static Ajp13 request(String method, String uri) {
        return new Ajp13(method, uri, null, "198.51.100.7", List.of(), new byte[0]);
    }

    /** The client the request says it speaks for ({@code remote_addr}, {@code remote_host}). */
    Ajp13 claiming(String address) {
        return new Ajp13(method, uri, query, address, headers, body);
    }

    /** The query, which AJP carries apart from the path (attribute {@code query_string}). */
    Ajp13 query(String value) {
        return new Ajp13(method, uri, value, remoteAddress, headers, body);
    }

    Ajp13 header(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new Ajp13(method, uri, query, remoteAddress, more, body);
    }

    Ajp13 bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    /** The body, sent in data packets after the forward request, with the {@code Content-Length} given by the test. */
    Ajp13 body(byte[] bytes) {
        return new Ajp13(method, uri, query, remoteAddress, headers, bytes.clone());
    }

    /** Sends the request to Tomcat's AJP connector on loopback {@code port} and reads the whole response. */
    RawResponse send(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(packet(forwardRequest()));
            // The first body packet follows the forward request unasked; Tomcat asks for the others.
            int sent = 0;
            if (body.length > 0) {
                sent = sendChunk(out, 0);
            }
            out.flush();
            return readResponse(new DataInputStream(socket.getInputStream()), out, sent);
        } catch (IOException e) {
            throw new UncheckedIOException("AJP exchange with port " + port + " failed for " + this, e);
        }
    }

    private byte[] forwardRequest() {
        Integer code = METHOD_CODES.get(method);
        if (code == null) {
            throw new IllegalArgumentException("no AJP code for method " + method);
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(FORWARD_REQUEST);
        message.write(code);
        string(message, "HTTP/1.1");
        string(message, uri);
        string(message, remoteAddress);
        string(message, remoteAddress);
        string(message, "localhost");
        integer(message, 80);
        message.write(0); // is_ssl
        integer(message, headers.size());
        for (Map.Entry<String, String> header : headers) {
            Integer headerCode = REQUEST_HEADER_CODES.get(header.getKey().toLowerCase(Locale.ROOT));
            if (headerCode != null) {
                integer(message, headerCode);
            } else {
                string(message, header.getKey());
            }
            string(message, header.getValue());
        }
        if (query != null) {
            message.write(ATTRIBUTE_QUERY_STRING);
            string(message, query);
        }
        message.write(ATTRIBUTES_END);
        return message.toByteArray();
    }

    /** One data packet from {@code offset}; an empty one once the body is all sent. @return the new offset */
    private int sendChunk(OutputStream out, int offset) throws IOException {
        int length = Math.min(MAX_CHUNK, body.length - offset);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        if (length > 0) {
            integer(data, length);
            data.write(body, offset, length);
        }
        out.write(packet(data.toByteArray()));
        return offset + length;
    }

    private RawResponse readResponse(DataInputStream in, OutputStream out, int sent) throws IOException {
        int status = -1;
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        ByteArrayOutputStream responseBody = new ByteArrayOutputStream();
        while (true) {
            if (in.readUnsignedByte() != 'A' || in.readUnsignedByte() != 'B') {
                throw new IOException("not an AJP packet from the container");
            }
            byte[] payload = new byte[in.readUnsignedShort()];
            in.readFully(payload);
            DataInputStream message = new DataInputStream(new java.io.ByteArrayInputStream(payload));
            switch (message.readUnsignedByte()) {
                case SEND_HEADERS -> {
                    status = message.readUnsignedShort();
                    readString(message); // reason phrase
                    for (int count = message.readUnsignedShort(); count > 0; count--) {
                        String name = responseHeaderName(message);
                        responseHeaders.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                                .add(readString(message));
                    }
                }
                case SEND_BODY_CHUNK -> {
                    byte[] chunk = new byte[message.readUnsignedShort()];
                    message.readFully(chunk);
                    responseBody.writeBytes(chunk);
                }
                case GET_BODY_CHUNK -> {
                    sent = sendChunk(out, sent);
                    out.flush();
                }
                case END_RESPONSE -> {
                    if (status < 0) {
                        throw new IOException("END_RESPONSE without SEND_HEADERS");
                    }
                    return new RawResponse(status, responseHeaders, responseBody.toByteArray());
                }
                default -> throw new IOException("unexpected AJP message type " + payload[0]);
            }
        }
    }

    private static String responseHeaderName(DataInputStream message) throws IOException {
        int first = message.readUnsignedShort();
        if ((first & 0xFF00) == 0xA000) {
            return RESPONSE_HEADER_NAMES.get((first & 0xFF) - 1);
        }
        byte[] name = new byte[first];
        message.readFully(name);
        message.readUnsignedByte(); // terminating NUL
        return new String(name, StandardCharsets.ISO_8859_1);
    }

    private static String readString(DataInputStream message) throws IOException {
        int length = message.readUnsignedShort();
        if (length == 0xFFFF) {
            return null;
        }
        byte[] text = new byte[length];
        message.readFully(text);
        if (message.read() < 0) {
            throw new EOFException("string without its terminating NUL");
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** Magic {@code 0x1234}, then the payload's length, then the payload. */
    private static byte[] packet(byte[] payload) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x12);
        packet.write(0x34);
        integer(packet, payload.length);
        packet.writeBytes(payload);
        return packet.toByteArray();
    }

    private static void integer(ByteArrayOutputStream out, int value) {
        out.write(value >> 8 & 0xFF);
        out.write(value & 0xFF);
    }

    /** Length, bytes, then a NUL; the length does not count the NUL. */
    private static void string(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, bytes.length);
        out.writeBytes(bytes);
        out.write(0);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("AJP ").append(method).append(' ').append(uri);
        if (query != null) {
            text.append(" query ").append(query);
        }
        text.append(" for ").append(remoteAddress);
        headers.forEach(h -> text.append(" | ").append(h.getKey()).append(": ").append(h.getValue()));
        return text.toString();
    }
}
