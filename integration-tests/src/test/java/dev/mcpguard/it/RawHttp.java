package dev.mcpguard.it;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 connection over a plain socket (or TLS) to 127.0.0.1, for requests no HTTP client would send.
 * Every read has a timeout, so that a server that hangs fails the test instead of hanging the build.
 */
final class RawHttp implements AutoCloseable {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    static RawHttp connect(int port) {
        return connect(InetAddress.getLoopbackAddress(), port);
    }

    static RawHttp connect(InetAddress address, int port) {
        try {
            Socket socket = new Socket(address, port);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true); // each send leaves at once: a body sent in pieces arrives in pieces
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address.getHostAddress() + ":" + port, e);
        }
    }

    /**
     * One HTTP/1.1 connection over TLS, ALPN offering {@code http/1.1} only; the server's certificate is trusted
     * whatever it is (the demo's is self-signed).
     */
    static RawHttp connectTls(int port) {
        return connectTls(InetAddress.getLoopbackAddress(), port);
    }

    static RawHttp connectTls(InetAddress address, int port) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address, port);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new RawHttp(socket);
        } catch (IOException | GeneralSecurityException e) {
            throw new UncheckedIOException("cannot connect over TLS to " + address.getHostAddress() + ":" + port,
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** Whether a TCP connection to {@code address:port} is accepted: is anything listening there? */
    static boolean accepts(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) READ_TIMEOUT.toMillis());
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell whether " + address + ":" + port + " accepts connections", e);
        }
    }

    /** Sends {@code request} on a new connection and reads the one response. */
    static RawResponse exchange(int port, Request request) {
        return exchange(port, false, request);
    }

    /** Sends {@code request} on a new connection, over TLS if {@code tls}, and reads the one response. */
    static RawResponse exchange(int port, boolean tls, Request request) {
        return exchange(InetAddress.getLoopbackAddress(), port, tls, request);
    }

    /** As {@link #exchange(int, boolean, Request)}, to {@code address} rather than loopback. */
    static RawResponse exchange(InetAddress address, int port, boolean tls, Request request) {
        try (RawHttp http = tls ? connectTls(address, port) : connect(address, port)) {
            http.send(request.bytes(port));
            return request.method().equals("HEAD") ? http.readResponseToHead() : http.readResponse();
        }
    }

    void send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send", e);
        }
    }

    /** Reads one final response (skipping {@code 100 Continue}), its body framed as the headers say. */
    RawResponse readResponse() {
        return readResponse(false);
    }

    /** Reads the final response to a {@code HEAD}: its headers describe a body that never comes (RFC 9110 §9.3.2). */
    RawResponse readResponseToHead() {
        return readResponse(true);
    }

    private RawResponse readResponse(boolean toHead) {
        try {
            while (true) {
                String statusLine = readLine(in);
                if (statusLine == null) {
                    throw new IOException("the server closed the connection without a response");
                }
                int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
                Map<String, List<String>> headers = readHeaders();
                if (status / 100 == 1) {
                    continue;
                }
                return new RawResponse(status, headers, toHead ? new byte[0] : readBody(status, headers));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the response", e);
        }
    }

    /**
     * Whether the server closes the connection (end of stream or reset) within the read timeout. Any byte
     * that still comes is a protocol error here: the tests call this after the one response they expect.
     */
    boolean closedByServer() {
        try {
            int next = in.read();
            if (next != -1) {
                throw new AssertionError("unexpected byte after the response: " + next);
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset by the server: closed too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, List<String>> readHeaders() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line; (line = readLine(in)) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private byte[] readBody(int status, Map<String, List<String>> headers) throws IOException {
        if (status == 204 || status == 304) {
            return new byte[0];
        }
        if (headers.getOrDefault("transfer-encoding", List.of()).stream().anyMatch(v -> v.equalsIgnoreCase("chunked"))) {
            return readChunked();
        }
        List<String> length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.get(0)));
        }
        return in.readAllBytes(); // no framing: the body ends with the connection
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                readHeaders(); // trailers
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(size));
            readLine(in);
        }
    }

    /** A line ended by CRLF (or a bare LF), without its end; null at end of stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do with a socket that will not close
        }
    }
}
