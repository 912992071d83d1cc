package dev.mcpguard.it;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Raw HTTP/1.1 from inside a {@link NetworkNamespace}, so that the server's TCP peer is
 * {@value NetworkNamespace#PEER_ADDRESS}, not loopback.
 *
 * <p>Two halves in one class. {@link #main} runs inside the namespace, in a JVM of its own started with
 * {@code ip netns exec <ns> <java> -cp <test classes> dev.mcpguard.it.RemoteClient …}, and needs nothing but the
 * JDK and {@link RawResponse}:
 * <ul>
 * <li>{@code RemoteClient <host> <port> <base64 request bytes>}: one request, for a human; prints the raw
 *     response (status line, headers, body), or {@code CONNECTION_REFUSED} or {@code TIMEOUT};</li>
 * <li>{@code RemoteClient --serve}: what the tests use, one JVM for a whole test class; reads lines
 *     {@code <host> <port> <base64 request bytes>} on stdin and answers each with one line on stdout:
 *     {@code RESPONSE <base64 raw response bytes>}, {@code CONNECTION_REFUSED}, {@code TIMEOUT} or
 *     {@code ERROR <text>}.</li>
 * </ul>
 * The other half is the test side of {@code --serve}: {@link #start} and {@link #send}.
 */
final class RemoteClient implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    static final String READY = "READY";
    static final String RESPONSE = "RESPONSE";
    static final String CONNECTION_REFUSED = "CONNECTION_REFUSED";
    static final String TIMEOUT = "TIMEOUT";
    static final String ERROR = "ERROR";

    // ---- inside the namespace ----------------------------------------------------------------------------

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--serve")) {
            serve();
        } else if (args.length == 3) {
            oneShot(args[0], Integer.parseInt(args[1]), Base64.getDecoder().decode(args[2]));
        } else {
            System.err.println("usage: RemoteClient <host> <port> <base64 request bytes> | RemoteClient --serve");
            System.exit(2);
        }
    }

    private static void oneShot(String host, int port, byte[] request) {
        Reply reply = exchange(host, port, request);
        PrintStream out = System.out;
        if (reply.kind().equals(RESPONSE)) {
            out.write(reply.bytes(), 0, reply.bytes().length);
            out.flush();
        } else {
            out.println(reply.kind() + (reply.detail().isEmpty() ? "" : " " + reply.detail()));
        }
    }

    private static void serve() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        out.println(READY);
        out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            String[] fields = line.split(" ", 3);
            Reply reply = exchange(fields[0], Integer.parseInt(fields[1]), Base64.getDecoder().decode(fields[2]));
            if (reply.kind().equals(RESPONSE)) {
                out.println(RESPONSE + " " + Base64.getEncoder().encodeToString(reply.bytes()));
            } else {
                out.println(reply.kind() + (reply.detail().isEmpty() ? "" : " " + reply.detail().replace('\n', ' ')));
            }
            out.flush();
        }
    }

    private record Reply(String kind, byte[] bytes, String detail) {}

    /** One request on a new connection; the response's bytes exactly as far as its framing goes. */
    private static Reply exchange(String host, int port, byte[] request) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), (int) CONNECT_TIMEOUT.toMillis());
            } catch (ConnectException e) {
                // only a refusal (RST) counts as "nothing listens there"; unreachable and the like are errors
                return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("refused")
                        ? new Reply(CONNECTION_REFUSED, null, "")
                        : new Reply(ERROR, null, "connect: " + e);
            } catch (SocketTimeoutException e) {
                return new Reply(TIMEOUT, null, "connect");
            }
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            Recording recording = new Recording(socket.getInputStream());
            try {
                read(recording);
            } catch (SocketTimeoutException e) {
                return new Reply(TIMEOUT, null, "read, after " + recording.bytes().length + " bytes");
            }
            return new Reply(RESPONSE, recording.bytes(), "");
        } catch (IOException | RuntimeException e) {
            return new Reply(ERROR, null, e.toString());
        }
    }

    /** Keeps a copy of every byte read. */
    private static final class Recording extends FilterInputStream {
        private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

        Recording(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                copy.write(buffer, offset, n);
            }
            return n;
        }

        byte[] bytes() {
            return copy.toByteArray();
        }
    }

    // ---- response parsing, on both sides (the same rules as RawHttp) ---------------------------------------

    /** Reads one final response (skipping {@code 1xx}), its body framed as the headers say. */
    static RawResponse read(InputStream in) throws IOException {
        while (true) {
            String statusLine = RawHttp.readLine(in);
            if (statusLine == null) {
                throw new IOException("the server closed the connection without a response");
            }
            int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
            Map<String, List<String>> headers = readHeaders(in);
            if (status / 100 == 1) {
                continue;
            }
            return new RawResponse(status, headers, readBody(in, status, headers));
        }
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line; (line = RawHttp.readLine(in)) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static byte[] readBody(InputStream in, int status, Map<String, List<String>> headers) throws IOException {
        if (status == 204 || status == 304) {
            return new byte[0];
        }
        if (headers.getOrDefault("transfer-encoding", List.of()).stream().anyMatch(v -> v.equalsIgnoreCase("chunked"))) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(RawHttp.readLine(in).split(";", 2)[0].trim(), 16);
                if (size == 0) {
                    readHeaders(in); // trailers
                    return body.toByteArray();
                }
                body.writeBytes(in.readNBytes(size));
                RawHttp.readLine(in);
            }
        }
        List<String> length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.get(0)));
        }
        return in.readAllBytes(); // no framing: the body ends with the connection
    }


    // ---- the test side ------------------------------------------------------------------------------------

    /** Plain {@link AssertionError}s: the namespace side has no test library on its class path. */
    private static void fail(String format, Object... args) {
        throw new AssertionError(String.format(format, args));
    }

    /** What became of one request sent from the namespace. */
    record Outcome(String kind, RawResponse raw, String detail) {

        boolean refused() {
            return kind.equals(CONNECTION_REFUSED);
        }

        /** The response; fails when there was none. */
        RawResponse response() {
            if (!kind.equals(RESPONSE)) {
                fail("expected a response, got %s", this);
            }
            return raw;
        }

        @Override
        public String toString() {
            return kind.equals(RESPONSE) ? "response " + raw : kind + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private final Process process;
    private final LogLines replies;
    private final LogLines stderr;
    private final String description;
    /** The index in {@link #replies} of the next line to read. */
    private int next;

    private RemoteClient(Process process, String description) {
        this.process = process;
        this.replies = LogLines.pump(process.getInputStream(), "remote-client-stdout");
        this.stderr = LogLines.pump(process.getErrorStream(), "remote-client-stderr");
        this.description = description;
    }

    /** Starts {@code RemoteClient --serve} inside {@code namespace} and waits until it is ready. */
    static RemoteClient start(NetworkNamespace namespace) {
        List<String> command = new ArrayList<>(namespace.exec());
        command.addAll(List.of(DemoServer.TestJars.java(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", testClasses().toString(), RemoteClient.class.getName(), "--serve"));
        ProcessBuilder builder = new ProcessBuilder(command);
        DemoServer.cleanEnvironment(builder.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        RemoteClient client = new RemoteClient(process, "the client in " + namespace);
        String first = client.nextLine(START_TIMEOUT);
        if (!READY.equals(first)) {
            client.close();
            fail("%s did not start: said %s%ncommand: %s%nstderr:%n%s", client.description, first, command, client.stderr);
        }
        return client;
    }

    /** The directory the test classes were loaded from: a JVM inside the namespace needs nothing but it and the JDK. */
    static Path testClasses() {
        try {
            return Path.of(RemoteClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends {@code request} from the namespace to {@code host:port} on a new connection. Mind its {@code Host}
     * header: unless the request sets one, {@link Request} writes {@code 127.0.0.1:<port>}.
     */
    synchronized Outcome send(String host, int port, Request request) {
        return send(host, port, request.bytes(port), request);
    }

    /** Sends these bytes from the namespace on a new connection; {@code what} names them in failures. */
    synchronized Outcome send(String host, int port, byte[] bytes, Object what) {
        try {
            OutputStream out = process.getOutputStream();
            out.write((host + " " + port + " " + Base64.getEncoder().encodeToString(bytes) + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            fail("cannot talk to %s: %s%nstderr:%n%s", description, e, stderr);
        }
        // the client's own timeouts bound the wait; this one only catches a client that hangs
        String line = nextLine(CONNECT_TIMEOUT.plus(READ_TIMEOUT).plusSeconds(10));
        if (line == null) {
            fail("%s answered nothing for %s%nstderr:%n%s", description, what, stderr);
        }
        String[] fields = line.split(" ", 2);
        String detail = fields.length > 1 ? fields[1] : "";
        if (fields[0].equals(RESPONSE)) {
            try {
                return new Outcome(RESPONSE, read(new ByteArrayInputStream(Base64.getDecoder().decode(detail))), "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Outcome(fields[0], null, detail);
    }

    /** The next line on the client's stdout, null when it ended or did not come in time. */
    private String nextLine(Duration timeout) {
        var index = replies.await(next, line -> true, timeout);
        if (index.isEmpty()) {
            return null;
        }
        next = index.get() + 1;
        return replies.all().get(index.get());
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // end of input: the client exits
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
