package dev.mcpguard.it;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A destination on this machine that counts what reaches it, in the test's JVM (no agent): a TCP listener that
 * answers every connection an HTTP 200 and counts the connections it accepted, or a UDP socket that counts
 * the datagrams it received. A connect the EGRESS gate fails to stop lands here, never off the machine.
 */
final class EgressRecorder implements AutoCloseable {
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final int END_OF_HEAD = '\r' << 24 | '\n' << 16 | '\r' << 8 | '\n';

    private final Closeable socket;
    /** The address literal as the test wrote it ({@code ::1}): the compressed form the gate names too. */
    private final String host;
    private final InetSocketAddress address;
    private final AtomicInteger count = new AtomicInteger();

    private EgressRecorder(Closeable socket, String host, InetSocketAddress address) {
        this.socket = socket;
        this.host = host;
        this.address = address;
    }

    /** A TCP listener on {@code host}, an address literal in its compressed form, at {@code port} (0: an ephemeral one). */
    static EgressRecorder tcp(String host, int port) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            EgressRecorder recorder = new EgressRecorder(server, host, (InetSocketAddress) server.getLocalSocketAddress());
            daemon("recorder-accept-" + recorder.destination(), () -> recorder.accept(server));
            return recorder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UDP socket on {@code host}, an address literal in its compressed form, at an ephemeral port. */
    static EgressRecorder udp(String host) {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0));
            EgressRecorder recorder = new EgressRecorder(socket, host, (InetSocketAddress) socket.getLocalSocketAddress());
            daemon("recorder-receive-" + recorder.destination(), () -> recorder.receive(socket));
            return recorder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket connection = server.accept();
                count.incrementAndGet();
                daemon("recorder-answer", () -> answer(connection));
            } catch (IOException e) {
                // closed: the recorder's life is over
            }
        }
    }

    /** Reads the request's head (or nothing, from a client that only connects) and answers 200. */
    private static void answer(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            connection.setSoTimeout(READ_TIMEOUT_MILLIS);
            // the last four bytes read, until they are the blank line that ends the head
            for (int last = 0, b; last != END_OF_HEAD && (b = in.read()) != -1; ) {
                last = last << 8 | b;
            }
            out.write(OK);
            out.flush();
        } catch (IOException e) {
            // the client went away first, as a bare connect does: it was counted, there is nothing to answer
        }
    }

    private void receive(DatagramSocket socket) {
        byte[] buffer = new byte[2048];
        while (!socket.isClosed()) {
            try {
                socket.receive(new DatagramPacket(buffer, buffer.length));
                count.incrementAndGet();
            } catch (IOException e) {
                // closed
            }
        }
    }

    /** {@code host:port} as the probe takes it, IPv6 in brackets: what the gate's refusal names too. */
    String destination() {
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The literal the decision line's {@code destination.address} holds. */
    String literal() {
        return host;
    }

    int port() {
        return address.getPort();
    }

    int count() {
        return count.get();
    }

    /** Waits until at least {@code atLeast} have arrived, at most {@code timeout}; the count then. */
    int awaitCount(int atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return count.get();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
