package com.example.legacymcp;

import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Raw Netty 4.1: {@link HttpServerCodec}, then either the body in chunks or, with
 * {@code aggregate}, an {@link HttpObjectAggregator} that hands on whole requests; the
 * application is {@link NettyHandler} in both cases.
 */
final class NettyStack {

    /** Larger than any upload of the tests; the aggregator answers 413 to a larger body. */
    private static final int MAX_AGGREGATED_BODY = 64 * 1024 * 1024;

    private NettyStack() {
    }

    static RunningServer start(Options options, boolean aggregate) throws InterruptedException {
        String server = aggregate ? "Netty (HttpServerCodec + HttpObjectAggregator)" : "Netty (HttpServerCodec)";
        EventLoopGroup acceptor = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ChannelPipeline pipeline = channel.pipeline();
                        pipeline.addLast("http", new HttpServerCodec());
                        if (aggregate) {
                            // also answers "Expect: 100-continue"
                            pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_AGGREGATED_BODY));
                        } else {
                            pipeline.addLast("continue", new HttpServerExpectContinueHandler());
                        }
                        pipeline.addLast("app", new NettyHandler(server));
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

    private static void shutDown(EventLoopGroup... groups) {
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
