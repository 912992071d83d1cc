package dev.mcpguard.it;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
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
import java.util.concurrent.ExecutionException;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.http.nio.AsyncRequestConsumer;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.nio.support.BasicResponseProducer;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Servers that no gated family owns, run in a child JVM by {@link UngatedListenersIT} and {@link Nio2BindIT}:
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
                case "httpcore5" -> httpCore5(address);
                case "netty-lines" -> nettyLines(address);
                default -> throw new IllegalArgumentException(args[0]);
            };
        } catch (IOException | ExecutionException e) {
            System.out.println("NOT STARTED " + (e instanceof ExecutionException ? e.getCause() : e));
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

    /** Apache HttpCore 5's async server: it binds on its own listener thread. */
    private static SocketAddress httpCore5(InetSocketAddress address) throws InterruptedException, ExecutionException {
        HttpAsyncServer server = AsyncServerBootstrap.bootstrap()
                .register("*", new AsyncServerRequestHandler<Message<HttpRequest, String>>() {
                    @Override
                    public AsyncRequestConsumer<Message<HttpRequest, String>> prepare(HttpRequest request,
                            EntityDetails entity, HttpContext context) {
                        return new BasicRequestConsumer<>(entity == null ? null : new StringAsyncEntityConsumer());
                    }

                    @Override
                    public void handle(Message<HttpRequest, String> request, ResponseTrigger trigger,
                            HttpContext context) throws org.apache.hc.core5.http.HttpException, IOException {
                        trigger.submitResponse(new BasicResponseProducer(200, "ok"), context);
                    }
                })
                .create();
        server.start();
        return server.listen(address).get().getAddress();
    }

    /** Netty serving a line protocol: no HTTP codec, so nothing the agent gates. */
    private static SocketAddress nettyLines(InetSocketAddress address) throws InterruptedException {
        Channel server = new ServerBootstrap().group(new NioEventLoopGroup(1)).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new LineBasedFrameDecoder(1024), new StringDecoder(),
                                new StringEncoder(), new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                        ctx.writeAndFlush("echo " + line + "\n");
                                    }
                                });
                    }
                })
                .bind(address).syncUninterruptibly().channel();
        return server.localAddress();
    }
}
