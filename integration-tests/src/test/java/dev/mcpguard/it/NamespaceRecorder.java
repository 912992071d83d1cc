package dev.mcpguard.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The destinations of {@link EgressIT}: HTTP listeners inside an {@link EgressNamespace} that record every
 * connection they accept, so that a test can tell a destination the agent refused (never reached) from one it
 * allowed (reached).
 *
 * <p>Two halves in one class. {@link #main} runs inside the namespace ({@code ip netns exec <ns> <java> -cp <test
 * classes> dev.mcpguard.it.NamespaceRecorder <sentinel> <listener>…}, each an {@code address:port}, IPv6 in brackets,
 * port 0 for any) and needs nothing but the JDK. It prints {@code LISTENING <address>:<port>} for each, in the order
 * given, then {@code READY}; then {@code HIT <address>:<port>} for each connection accepted, naming the listener,
 * and answers each request {@code 200} with the body {@code recorder <address>:<port>}.
 *
 * <p>The sentinel is a listener the test connects to itself, from outside: one thread accepts on every listener
 * and prints a sentinel's hit after the others it accepted at the same time, so once the sentinel's line is there,
 * every connection made before it (whose handshake the kernel had completed) has its line too. That is how "no
 * connection was made" can be read.
 *
 * <p>Not an {@link EgressRecorder}: those listen in the test's own JVM, one destination each, with no order
 * between them; these destinations exist only inside the namespace.
 */
final class NamespaceRecorder implements AutoCloseable {

    static final String LISTENING = "LISTENING";
    static final String READY = "READY";
    static final String HIT = "HIT";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HIT_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern ENDPOINT = Pattern.compile("\\[?([^\\[\\]]+)]?:(\\d+)");

    // ---- inside the namespace ----------------------------------------------------------------------------

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: NamespaceRecorder <sentinel address:port> <listener address:port>…");
            System.exit(2);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        Selector selector = Selector.open();
        Map<ServerSocketChannel, String> names = new LinkedHashMap<>();
        for (String endpoint : args) {
            Matcher parts = ENDPOINT.matcher(endpoint);
            if (!parts.matches()) {
                throw new IllegalArgumentException("not an address:port: " + endpoint);
            }
            ServerSocketChannel listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getByName(parts.group(1)), Integer.parseInt(parts.group(2))));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            String host = parts.group(1);
            // the address as given (an agent prints IPv6 compressed, as URLs spell it), the port as bound
            String name = (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + ((InetSocketAddress) listener.getLocalAddress()).getPort();
            names.put(listener, name);
            out.println(LISTENING + " " + name);
        }
        ServerSocketChannel sentinel = names.keySet().iterator().next();
        out.println(READY);
        while (true) {
            selector.select();
            List<String> hits = new ArrayList<>();
            List<String> sentinelHits = new ArrayList<>();
            for (SelectionKey key : selector.selectedKeys()) {
                ServerSocketChannel listener = (ServerSocketChannel) key.channel();
                for (SocketChannel accepted; (accepted = listener.accept()) != null; ) {
                    (listener == sentinel ? sentinelHits : hits).add(HIT + " " + names.get(listener));
                    answer(accepted, names.get(listener));
                }
            }
            selector.selectedKeys().clear();
            hits.forEach(out::println);
            sentinelHits.forEach(out::println);
        }
    }

    /** Reads the request head and answers 200 naming the listener, on a thread of its own. */
    private static void answer(SocketChannel accepted, String listener) throws IOException {
        accepted.configureBlocking(true);
        Socket socket = accepted.socket();
        Thread thread = new Thread(() -> {
            try (socket) {
                socket.setSoTimeout(5_000);
                InputStream in = socket.getInputStream();
                int matched = 0;
                byte[] end = {'\r', '\n', '\r', '\n'};
                for (int b; matched < end.length && (b = in.read()) >= 0; ) {
                    matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                byte[] body = ("recorder " + listener).getBytes(StandardCharsets.US_ASCII);
                OutputStream response = socket.getOutputStream();
                response.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                response.write(body);
                response.flush();
            } catch (IOException e) {
                // the client went away: its HIT is recorded, the answer does not matter
            }
        }, "answer " + listener);
        thread.setDaemon(true);
        thread.start();
    }

    // ---- the test side ------------------------------------------------------------------------------------

    private final Process process;
    private final LogLines stdout;
    private final LogLines stderr;
    /** Each listener's name ({@code address:port}) by the endpoint it was asked for. */
    private final Map<String, String> listeners;
    private final InetSocketAddress sentinel;
    private final String sentinelHit;

    private NamespaceRecorder(Process process, LogLines stdout, LogLines stderr, Map<String, String> listeners,
            InetSocketAddress sentinel, String sentinelName) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.listeners = listeners;
        this.sentinel = sentinel;
        this.sentinelHit = HIT + " " + sentinelName;
    }

    /**
     * Starts the recorder inside {@code namespace} with a sentinel on {@code sentinelAddress} (which the test must
     * reach) and the {@code endpoints}, and waits until all listen.
     */
    static NamespaceRecorder start(EgressNamespace namespace, String sentinelAddress, List<String> endpoints) {
        List<String> command = new ArrayList<>(namespace.exec());
        command.addAll(List.of(DemoServer.TestJars.java(), "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", RemoteClient.testClasses().toString(), NamespaceRecorder.class.getName(), sentinelAddress + ":0"));
        command.addAll(endpoints);
        ProcessBuilder builder = new ProcessBuilder(command);
        DemoServer.cleanEnvironment(builder.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        LogLines stdout = LogLines.pump(process.getInputStream(), "namespace-recorder-stdout");
        LogLines stderr = LogLines.pump(process.getErrorStream(), "namespace-recorder-stderr");
        var ready = stdout.await(0, READY::equals, START_TIMEOUT);
        if (ready.isEmpty()) {
            DemoServer.stop(process);
            throw new AssertionError("the recorder did not start within " + START_TIMEOUT + "\ncommand: " + command
                    + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
        List<String> names = stdout.all().subList(0, ready.get()).stream()
                .map(line -> line.substring(LISTENING.length() + 1)).toList();
        Map<String, String> listeners = new LinkedHashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            listeners.put(endpoints.get(i), names.get(i + 1));
        }
        Matcher sentinel = ENDPOINT.matcher(names.get(0));
        sentinel.matches(); // true: the recorder printed it as address:port
        return new NamespaceRecorder(process, stdout, stderr, listeners,
                new InetSocketAddress(sentinelAddress, Integer.parseInt(sentinel.group(2))), names.get(0));
    }

    /** The port the recorder listens on for {@code endpoint} as it was asked for (port 0: the one it got). */
    int port(String endpoint) {
        String name = listener(endpoint);
        return Integer.parseInt(name.substring(name.lastIndexOf(':') + 1));
    }

    /** The name {@code HIT} lines give the listener for {@code endpoint}. */
    String listener(String endpoint) {
        String name = listeners.get(endpoint);
        if (name == null) {
            throw new IllegalArgumentException("the recorder does not listen on " + endpoint + ": " + listeners.keySet());
        }
        return name;
    }

    /** A mark for {@link #hitsSince}: where the recorder's output is now. */
    int mark() {
        return stdout.size();
    }

    /** The listeners that accepted a connection since {@code mark}, in order; read after a sentinel connection. */
    List<String> hitsSince(int mark) {
        try (Socket socket = new Socket()) {
            socket.connect(sentinel, (int) HIT_TIMEOUT.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the recorder's sentinel " + sentinel, e);
        }
        var line = stdout.await(mark, sentinelHit::equals, HIT_TIMEOUT);
        if (line.isEmpty()) {
            throw new AssertionError("the recorder did not record its sentinel within " + HIT_TIMEOUT + "\nstdout:\n"
                    + stdout + "\nstderr:\n" + stderr);
        }
        return stdout.since(mark).subList(0, line.get() - mark).stream()
                .filter(hit -> hit.startsWith(HIT + " ") && !hit.equals(sentinelHit))
                .map(hit -> hit.substring(HIT.length() + 1))
                .toList();
    }

    @Override
    public void close() {
        DemoServer.stop(process);
    }
}
