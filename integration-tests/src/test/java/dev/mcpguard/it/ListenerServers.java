package dev.mcpguard.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Servers that no gated family owns, run in a child JVM by {@link Nio2BindIT}:
 * {@code java ListenerServers <kind> <host> <port>}. Each listens (port 0: an ephemeral one) and answers every
 * connection {@code ok} without reading a request; it prints {@code LISTENING <address>}, the
 * address its socket really has, or {@code NOT STARTED <reason>} and exits {@value #NOT_STARTED}
 * when the listener could not be opened.
 */
public final class ListenerServers {
    static final int NOT_STARTED = 3;
    static final String OK = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    private ListenerServers() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        SocketAddress listening;
        try {
            listening = switch (args[0]) {
                case "serversocket" -> serverSocket(address);
                case "nio2" -> nio2(address);
                default -> throw new IllegalArgumentException(args[0]);
            };
        } catch (IOException e) {
            System.out.println("NOT STARTED " + e);
            System.out.flush();
            System.exit(NOT_STARTED);
            return;
        }
        System.out.println("LISTENING " + listening);
        System.out.flush();
        Thread.currentThread().join();
    }

    /** A hand-rolled loop, as small servers and test doubles are written. */
    private static SocketAddress serverSocket(InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(address);
        Thread loop = new Thread(() -> {
            while (true) {
                try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write(OK.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        loop.start();
        return server.getLocalSocketAddress();
    }

    /** NIO2, as Tomcat's NIO2 connector listens. */
    private static SocketAddress nio2(InetSocketAddress address) throws IOException {
        AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open().bind(address);
        Thread loop = new Thread(() -> {
            while (true) {
                try (AsynchronousSocketChannel socket = server.accept().get()) {
                    socket.write(ByteBuffer.wrap(OK.getBytes(StandardCharsets.US_ASCII))).get();
                } catch (Exception e) {
                    return;
                }
            }
        });
        loop.start();
        return server.getLocalAddress();
    }
}
