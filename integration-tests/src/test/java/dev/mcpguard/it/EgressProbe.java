package dev.mcpguard.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/**
 * The outbound side of a JVM under the agent, for {@link EgressClientsIT}: {@code java EgressProbe} prints
 * {@code READY}, then reads commands on stdin, one a line, {@code <client> <host>:<port>} (IPv6 in
 * brackets), makes that one connection (or send) with that client and answers one line on stdout:
 * {@code OK <detail>}, {@code REFUSED <message of the gate's ConnectException>} when one is anywhere in
 * the failure's causes, or {@code ERROR <class>: <message>}. Nothing but the commands connects anywhere,
 * so every decision line the JVM writes is about a command.
 */
public final class EgressProbe {
    static final String READY = "READY";
    /** What the gate's refusal says first (design §12). */
    static final String REFUSAL = "mcpguard: egress to ";
    /** How many datagrams {@code netty-epoll-udp} writes before it flushes: more than one, so epoll sends them with sendmmsg. */
    static final int BATCH = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final byte[] DATAGRAM = "egress".getBytes(StandardCharsets.US_ASCII);

    private static EventLoopGroup nio;
    private static EventLoopGroup epoll;

    private EgressProbe() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println(READY);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.strip().split(" ", 2);
            System.out.println(answer(command[0], command[1]));
        }
        for (EventLoopGroup group : new EventLoopGroup[] {nio, epoll}) {
            if (group != null) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
        }
    }

    private static String answer(String client, String destination) {
        try {
            return "OK " + run(client, destination);
        } catch (Throwable failure) {
            String refusal = refusal(failure);
            if (refusal != null) {
                return "REFUSED " + oneLine(refusal);
            }
            return "ERROR " + oneLine(failure.getClass().getName() + ": " + failure.getMessage());
        }
    }

    /**
     * The gate's refusal: the message of the deepest {@link ConnectException} that says {@link #REFUSAL}, among
     * the causes and suppressed exceptions, from there on. Client libraries wrap it (Netty appends the address
     * to the same message, the JDK HttpClient makes it a cause) or keep it beside their own (OkHttp's failed
     * routes), and Apache HttpClient 5.1 replaces it by its own ConnectException that quotes its message.
     */
    static String refusal(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> next = new ArrayList<>(List.of(failure));
        String found = null;
        while (!next.isEmpty()) {
            Throwable t = next.remove(0);
            if (!seen.add(t)) {
                continue;
            }
            int at = t instanceof ConnectException && t.getMessage() != null ? t.getMessage().indexOf(REFUSAL) : -1;
            if (at >= 0) {
                found = t.getMessage().substring(at);
            }
            if (t.getCause() != null) {
                next.add(t.getCause());
            }
            next.addAll(List.of(t.getSuppressed()));
        }
        return found;
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replace('\r', ' ').replace('\n', ' ');
    }

    private static String run(String client, String destination) throws Exception {
        int colon = destination.lastIndexOf(':');
        String host = destination.substring(0, colon);
        int port = Integer.parseInt(destination.substring(colon + 1));
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetSocketAddress address = new InetSocketAddress(bare, port);
        URI uri = URI.create("http://" + destination + "/");
        return switch (client) {
            case "socket" -> {
                try (Socket socket = new Socket()) {
                    socket.connect(address, (int) TIMEOUT.toMillis());
                    yield "connected " + socket.getRemoteSocketAddress();
                }
            }
            case "socket-ctor" -> {
                try (Socket socket = new Socket(bare, port)) {
                    yield "connected " + socket.getRemoteSocketAddress();
                }
            }
            case "urlconnection" -> urlConnection(uri);
            case "httpclient" -> "HTTP " + jdkClient().send(get(uri), HttpResponse.BodyHandlers.discarding()).statusCode();
            case "httpclient-async" -> "HTTP " + jdkClient().sendAsync(get(uri), HttpResponse.BodyHandlers.discarding())
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).statusCode();
            case "nio" -> {
                try (SocketChannel channel = SocketChannel.open(address)) {
                    yield "connected " + channel.getRemoteAddress();
                }
            }
            case "nio2" -> {
                try (AsynchronousSocketChannel channel = AsynchronousSocketChannel.open()) {
                    channel.connect(address).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    yield "connected " + channel.getRemoteAddress();
                }
            }
            case "netty-nio" -> nettyConnect(nio(), NioSocketChannel.class, address);
            case "netty-epoll" -> nettyConnect(epoll(), EpollSocketChannel.class, address);
            case "apache" -> apache(uri);
            case "okhttp" -> okhttp(uri);
            case "udp-send" -> {
                try (DatagramChannel channel = DatagramChannel.open()) {
                    yield "sent " + channel.send(ByteBuffer.wrap(DATAGRAM), address);
                }
            }
            case "udp-socket" -> {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.send(new java.net.DatagramPacket(DATAGRAM, DATAGRAM.length, address));
                    yield "sent " + DATAGRAM.length;
                }
            }
            case "udp-socket-connect" -> {
                try (DatagramSocket socket = new DatagramSocket()) {
                    socket.connect(address);
                    socket.send(new java.net.DatagramPacket(DATAGRAM, DATAGRAM.length));
                    yield "sent " + DATAGRAM.length;
                }
            }
            case "udp-connect" -> {
                try (DatagramChannel channel = DatagramChannel.open()) {
                    channel.connect(address);
                    yield "sent " + channel.write(ByteBuffer.wrap(DATAGRAM));
                }
            }
            case "netty-epoll-udp" -> nettyDatagrams(address, 1);
            case "netty-epoll-udp-batch" -> nettyDatagrams(address, BATCH);
            default -> throw new IllegalArgumentException("no such client: " + client);
        };
    }

    private static HttpRequest get(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).build();
    }

    /** A new client each time: a pooled connection would answer without connecting. */
    private static HttpClient jdkClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    private static String urlConnection(URI uri) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout((int) TIMEOUT.toMillis());
        connection.setReadTimeout((int) TIMEOUT.toMillis());
        connection.setUseCaches(false);
        try (InputStream body = connection.getInputStream()) {
            body.readAllBytes();
            return "HTTP " + connection.getResponseCode();
        } finally {
            connection.disconnect();
        }
    }

    private static String apache(URI uri) throws IOException {
        try (CloseableHttpClient client = HttpClients.custom().disableAutomaticRetries().build();
                CloseableHttpResponse response = client.execute(new HttpGet(uri))) {
            return "HTTP " + response.getCode();
        }
    }

    private static String okhttp(URI uri) throws IOException {
        OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).callTimeout(TIMEOUT).build();
        try (Response response = client.newCall(new Request.Builder().url(uri.toURL()).build()).execute()) {
            return "HTTP " + response.code();
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    private static synchronized EventLoopGroup nio() {
        if (nio == null) {
            nio = new NioEventLoopGroup(1);
        }
        return nio;
    }

    private static synchronized EventLoopGroup epoll() {
        if (epoll == null) {
            Epoll.ensureAvailability();
            epoll = new EpollEventLoopGroup(1);
        }
        return epoll;
    }

    private static String nettyConnect(EventLoopGroup group, Class<? extends Channel> type, InetSocketAddress address)
            throws InterruptedException, IOException {
        ChannelFuture connect = new Bootstrap().group(group).channel(type).handler(new ChannelInboundHandlerAdapter())
                .connect(address);
        Channel channel = await(connect);
        try {
            return "connected " + channel.remoteAddress();
        } finally {
            channel.close().sync();
        }
    }

    /**
     * Writes {@code count} datagrams to {@code recipient} from an unconnected epoll channel and flushes them
     * once: with more than one queued, epoll's transport hands them to the kernel in one sendmmsg.
     */
    private static String nettyDatagrams(InetSocketAddress recipient, int count) throws InterruptedException, IOException {
        ChannelHandler none = new ChannelInboundHandlerAdapter();
        InetSocketAddress local = new InetSocketAddress(recipient.getAddress() instanceof Inet6Address ? "::" : "0.0.0.0", 0);
        Channel channel = await(new Bootstrap().group(epoll()).channel(EpollDatagramChannel.class).handler(none).bind(local));
        try {
            List<ChannelFuture> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                writes.add(channel.write(new DatagramPacket(Unpooled.wrappedBuffer(DATAGRAM), recipient)));
            }
            channel.flush();
            for (ChannelFuture write : writes) {
                await(write);
            }
            return "sent " + count;
        } finally {
            channel.close().sync();
        }
    }

    /** The future's channel once it succeeded; its failure as the cause of the exception thrown, for {@link #refusal}. */
    private static Channel await(ChannelFuture future) throws InterruptedException, IOException {
        if (!future.await(TIMEOUT.toMillis())) {
            throw new IOException("no answer within " + TIMEOUT);
        }
        if (!future.isSuccess()) {
            throw new IOException(String.valueOf(future.cause()), future.cause());
        }
        return future.channel();
    }
}
