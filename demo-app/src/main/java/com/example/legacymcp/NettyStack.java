package com.example.legacymcp;

import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler.UpgradeCodec;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.HttpToHttp2ConnectionHandler;
import io.netty.handler.codec.http2.HttpToHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.InboundHttp2ToHttpAdapter;
import io.netty.handler.codec.http2.InboundHttp2ToHttpAdapterBuilder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Raw Netty 4.1: {@link HttpServerCodec}, then either the body in chunks or, with
 * {@code aggregate}, an {@link HttpObjectAggregator} that hands on whole requests; the
 * application is {@link NettyHandler} in both cases. HTTP/2 comes in Netty's two models, one per
 * stack: the chunked one serves each stream in a child channel ({@link Http2MultiplexHandler})
 * whose pipeline turns frames back into HTTP/1 objects; the aggregated one has an
 * {@link InboundHttp2ToHttpAdapter} hand on each stream as a {@link FullHttpRequest} in the
 * connection's own pipeline, tagged with its stream id.
 */
final class NettyStack {

    /** Larger than any upload of the tests; the aggregator answers 413 to a larger body. */
    private static final int MAX_AGGREGATED_BODY = 64 * 1024 * 1024;

    private final String server;
    private final boolean aggregate;
    /** An {@link HttpContentDecompressor} behind the HTTP/1 codec ({@code --inflate-requests}). */
    private final boolean inflate;

    private NettyStack(boolean aggregate, boolean inflate) {
        this.server = aggregate ? "Netty (HttpServerCodec + HttpObjectAggregator)" : "Netty (HttpServerCodec)";
        this.aggregate = aggregate;
        this.inflate = inflate;
    }

    static RunningServer start(Options options, SelfSignedKeystore keystore, boolean aggregate) throws Exception {
        NettyStack stack = new NettyStack(aggregate, options.inflateRequests());
        SslContext tls = keystore != null ? sslContext(keystore) : null;
        EventLoopGroup acceptor = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (options.proxyProtocol()) {
                            proxyProtocol(channel.pipeline());
                        }
                        if (tls != null) {
                            stack.tls(channel, tls);
                        } else if (options.http2()) {
                            stack.cleartextHttp2(channel.pipeline());
                        } else {
                            stack.http1(channel.pipeline());
                        }
                    }
                });
        Channel listener;
        try {
            listener = bootstrap.bind(options.host(), options.port()).sync().channel();
        } catch (Exception e) { // sync() rethrows the bind failure as it is, checked or not
            shutDown(acceptor, workers);
            throw e;
        }

        return new RunningServer() {
            @Override
            public int port() {
                return ((InetSocketAddress) listener.localAddress()).getPort();
            }

            @Override
            public void join() throws InterruptedException {
                listener.closeFuture().sync();
            }

            @Override
            public void stop() {
                listener.close().syncUninterruptibly();
                shutDown(acceptor, workers);
            }
        };
    }

    private static SslContext sslContext(SelfSignedKeystore keystore) throws Exception {
        return SslContextBuilder.forServer(keystore.keyManagerFactory())
                .sslProvider(SslProvider.JDK)
                // those that HTTP/2 accepts (RFC 9113 §9.2.2), which the JDK's defaults are not limited to
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /** The PROXY protocol header first: its HAProxyMessage, where an application would find the client, is dropped. */
    private static void proxyProtocol(ChannelPipeline pipeline) {
        pipeline.addLast("proxy-protocol", new HAProxyMessageDecoder());
        pipeline.addLast("proxy-header", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object message) {
                if (message instanceof HAProxyMessage header) {
                    header.release();
                    ctx.pipeline().remove(this);
                } else {
                    ctx.fireChannelRead(message);
                }
            }
        });
    }

    private void http1(ChannelPipeline pipeline) {
        pipeline.addLast("http", new HttpServerCodec());
        if (inflate) {
            pipeline.addLast("inflate", new HttpContentDecompressor());
        }
        application(pipeline);
    }

    /** What follows the HTTP/1 codec; on the aggregated stack the HTTP/2 handler feeds it too. */
    private void application(ChannelPipeline pipeline) {
        if (aggregate) {
            // also answers "Expect: 100-continue"
            pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_AGGREGATED_BODY));
        } else {
            pipeline.addLast("continue", new HttpServerExpectContinueHandler());
        }
        pipeline.addLast("app", new NettyHandler(server));
    }

    /** HTTP/1.1 and h2c: on Upgrade: h2c, or on the h2 preface, HTTP/2 takes the HTTP/1 codec's place. */
    private void cleartextHttp2(ChannelPipeline pipeline) {
        ChannelHandler priorKnowledge;
        UpgradeCodec upgradeCodec;
        if (aggregate) {
            HttpToHttp2ConnectionHandler http2 = connectionHandler();
            priorKnowledge = http2;
            upgradeCodec = new Http2ServerUpgradeCodec("http2", http2);
        } else {
            // The frame codec itself hands the upgrade request on to stream 1's child channel.
            Http2FrameCodec frames = Http2FrameCodecBuilder.forServer().build();
            Http2MultiplexHandler streams = streams();
            priorKnowledge = new ChannelHandlerAdapter() {
                // Netty takes one handler for prior knowledge: this one, which puts both in its place.
                @Override
                public void handlerAdded(ChannelHandlerContext ctx) {
                    ctx.pipeline().addAfter(ctx.name(), "http2", frames)
                            .addAfter("http2", "streams", streams)
                            .remove(this);
                }
            };
            upgradeCodec = new Http2ServerUpgradeCodec(frames, streams);
        }
        HttpServerCodec http1 = new HttpServerCodec();
        // The upgrade request is read whole before the switch, hence a body limit.
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol) ? upgradeCodec : null,
                MAX_AGGREGATED_BODY);
        pipeline.addLast("h2c", new CleartextHttp2ServerUpgradeHandler(http1, upgrade, priorKnowledge));
        if (aggregate) {
            pipeline.addLast("upgrade-request", new UpgradeRequest());
        }
        application(pipeline);
    }

    /** TLS only, then h2 or HTTP/1.1 as ALPN picks, HTTP/1.1 for a client that offers no ALPN. */
    private void tls(SocketChannel channel, SslContext tls) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("tls", tls.newHandler(channel.alloc()));
        pipeline.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http1(ctx.pipeline());
                } else if (aggregate) {
                    ctx.pipeline().addLast("http2", connectionHandler()).addLast("app", new NettyHandler(server));
                } else {
                    ctx.pipeline().addLast("http2", Http2FrameCodecBuilder.forServer().build())
                            .addLast("streams", streams());
                }
            }
        });
    }

    /** The child channel model: each stream a channel of its own, with the HTTP/1 application. */
    private Http2MultiplexHandler streams() {
        return new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new HttpServerExpectContinueHandler(), new NettyHandler(server));
            }
        });
    }

    /** The aggregated model: each stream a FullHttpRequest, answered with a FullHttpResponse. */
    private static HttpToHttp2ConnectionHandler connectionHandler() {
        Http2Connection connection = new DefaultHttp2Connection(true);
        return new HttpToHttp2ConnectionHandlerBuilder()
                .connection(connection)
                .frameListener(new InboundHttp2ToHttpAdapterBuilder(connection)
                        .maxContentLength(MAX_AGGREGATED_BODY)
                        // The peer's SETTINGS go down the pipeline too, as messages that are no HttpObject.
                        .propagateSettings(true)
                        .build())
                .build();
    }

    /**
     * The request that asked for h2c, which the connection handler leaves to the application:
     * handed on as the request of stream 1 (RFC 7540 §3.2), where it is to be answered.
     */
    private static final class UpgradeRequest extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof HttpServerUpgradeHandler.UpgradeEvent upgrade) {
                FullHttpRequest request = upgrade.upgradeRequest().retain();
                request.headers().setInt(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text(),
                        Http2CodecUtil.HTTP_UPGRADE_STREAM_ID);
                ctx.fireChannelRead(request);
                ctx.pipeline().remove(this);
            }
            ctx.fireUserEventTriggered(event);
        }
    }

    private static void shutDown(EventLoopGroup... groups) {
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
