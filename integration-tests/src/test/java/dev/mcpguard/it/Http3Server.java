package dev.mcpguard.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.incubator.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.incubator.codec.http3.Http3;
import io.netty.incubator.codec.http3.Http3HeadersFrame;
import io.netty.incubator.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.incubator.codec.http3.Http3DataFrame;
import io.netty.incubator.codec.http3.Http3ServerConnectionHandler;
import io.netty.incubator.codec.quic.QuicChannel;
import io.netty.incubator.codec.quic.QuicSslContext;
import io.netty.incubator.codec.quic.QuicSslContextBuilder;
import io.netty.incubator.codec.quic.QuicStreamChannel;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;

/**
 * An HTTP/3 server as Netty builds one (the way Reactor Netty's {@code HTTP3} protocol does:
 * {@code Http3.newQuicServerCodecBuilder()}), run in a child JVM by {@link Http3RefusedIT}. Prints
 * {@code LISTENING <port>} once its UDP socket is bound, or {@code NOT STARTED <reason>} and exits 3
 * when building its QUIC codec fails.
 */
public final class Http3Server {
    static final int NOT_STARTED = 3;

    private Http3Server() {
    }

    public static void main(String[] args) throws Exception {
        QuicSslContext tls = QuicSslContextBuilder.forServer(selfSigned(), "changeit")
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        ChannelHandler codec;
        try {
            codec = Http3.newQuicServerCodecBuilder()
                    .sslContext(tls)
                    .maxIdleTimeout(5, TimeUnit.SECONDS)
                    .initialMaxData(1 << 20)
                    .initialMaxStreamDataBidirectionalRemote(1 << 16)
                    .initialMaxStreamsBidirectional(16)
                    .handler(new ChannelInitializer<QuicChannel>() {
                        @Override
                        protected void initChannel(QuicChannel connection) {
                            connection.pipeline().addLast(new Http3ServerConnectionHandler(
                                    new ChannelInitializer<QuicStreamChannel>() {
                                        @Override
                                        protected void initChannel(QuicStreamChannel stream) {
                                            stream.pipeline().addLast(new Ok());
                                        }
                                    }));
                        }
                    })
                    .build();
        } catch (RuntimeException e) {
            System.out.println("NOT STARTED " + e.getMessage());
            System.out.flush();
            System.exit(NOT_STARTED);
            return;
        }
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        Channel socket = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind("127.0.0.1", 0).sync().channel();
        System.out.println("LISTENING " + ((InetSocketAddress) socket.localAddress()).getPort());
        System.out.flush();
        socket.closeFuture().sync();
    }

    /** Answers every request 200 with no body. */
    private static final class Ok extends Http3RequestStreamInboundHandler {
        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            Http3HeadersFrame ok = new DefaultHttp3HeadersFrame();
            ok.headers().status("200");
            ctx.writeAndFlush(ok).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            frame.release();
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
        }
    }

    /** A key pair for localhost from the JDK's keytool, in a directory removed when the JVM exits. */
    private static KeyManagerFactory selfSigned() throws Exception {
        Path directory = Files.createTempDirectory("mcpguard-h3-");
        Path store = directory.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "1", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(System.err);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        Files.delete(store);
        Files.delete(directory);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "changeit".toCharArray());
        return factory;
    }
}
