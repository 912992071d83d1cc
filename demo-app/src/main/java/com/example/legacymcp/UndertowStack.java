package com.example.legacymcp;

import com.example.legacymcp.core.McpJsonRpc;
import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.Pages;
import com.example.legacymcp.core.Reply;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.Version;
import io.undertow.io.Receiver;
import io.undertow.conduits.GzipStreamSourceConduit;
import io.undertow.conduits.InflatingStreamSourceConduit;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.ProxyPeerAddressHandler;
import io.undertow.server.handlers.encoding.RequestEncodingHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Undertow's core API: a {@link io.undertow.server.RoutingHandler}, bodies read without blocking. */
final class UndertowStack {

    private static final String SERVER = "Undertow/" + Version.getVersionString();

    /**
     * Larger than any upload of the tests, as on netty-aggregated: a body limit that they meet is
     * then the agent's, not Undertow's own MAX_ENTITY_SIZE (2 MiB by default, answered with a 500).
     */
    private static final long MAX_BODY = 64L * 1024 * 1024;

    // Undertow and XNIO log through JBoss Logging, which falls back to java.util.logging here, at
    // INFO. JUL holds loggers weakly, so keep these referenced or their level is lost at the next GC.
    private static final List<Logger> QUIET = List.of(Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"));

    private UndertowStack() {
    }

    static RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception {
        QUIET.forEach(logger -> logger.setLevel(Level.WARNING));
        HttpHandler routes = Handlers.routing()
                .post("/mcp", exchange -> exchange.getRequestReceiver().receiveFullBytes(
                        (done, body) -> send(done, McpJsonRpc.handle(body))))
                .get("/health", exchange -> send(exchange, Pages.health()))
                .get("/inspector", exchange -> send(exchange,
                        Pages.inspector(Pages.address(exchange.getSourceAddress()), SERVER)))
                .post("/upload", exchange -> exchange.getRequestReceiver().receivePartialBytes(new Upload()));
        // Prefix routing as Undertow apps do it. A prefix path also takes the prefix itself, which goes on to
        // the exact endpoint, with the relative path that PathHandler consumed given back to the router.
        PathHandler paths = Handlers.path(routes);
        for (String prefix : Pages.PREFIXES) {
            paths.addPrefixPath(prefix, exchange -> {
                if (exchange.getRelativePath().isEmpty()) {
                    exchange.setRelativePath(exchange.getRequestPath());
                    routes.handleRequest(exchange);
                } else {
                    send(exchange, Pages.prefix(prefix, exchange.getRequestPath()));
                }
            });
        }
        // What Undertow's proxy-address-forwarding listener option installs: the peer address
        // and scheme taken from X-Forwarded-For / -Proto / -Host / -Port, from any peer.
        HttpHandler forwarded = options.trustForwarded() ? new ProxyPeerAddressHandler(paths) : paths;
        HttpHandler root = options.inflateRequests()
                ? new RequestEncodingHandler(forwarded)
                        .addEncoding("gzip", GzipStreamSourceConduit.WRAPPER)
                        .addEncoding("deflate", InflatingStreamSourceConduit.WRAPPER)
                : forwarded;

        Undertow.Builder builder = Undertow.builder()
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, MAX_BODY)
                // h2c by Upgrade and by prior knowledge on an HTTP listener, h2 by ALPN on an HTTPS one
                .setServerOption(UndertowOptions.ENABLE_HTTP2, options.http2() || keystore != null)
                .setHandler(root);
        Undertow.ListenerBuilder listener = new Undertow.ListenerBuilder()
                .setType(keystore != null ? Undertow.ListenerType.HTTPS : Undertow.ListenerType.HTTP)
                .setPort(options.port())
                .setHost(options.host())
                .setUseProxyProtocol(options.proxyProtocol());
        if (keystore != null) {
            listener.setSslContext(keystore.sslContext());
        }
        builder.addListener(listener);
        Undertow server = builder.build();
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);

        return new RunningServer() {
            @Override
            public int port() {
                return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            }

            @Override
            public void join() throws InterruptedException {
                stopped.await();
            }

            @Override
            public void stop() {
                server.stop();
                stopped.countDown();
            }
        };
    }

    /** Counts the body as it arrives and answers after its last part. */
    private static final class Upload implements Receiver.PartialBytesCallback {
        private long bytes;

        @Override
        public void handle(HttpServerExchange exchange, byte[] part, boolean last) {
            bytes += part.length;
            if (last) {
                send(exchange, Pages.uploaded(bytes));
            }
        }
    }

    private static void send(HttpServerExchange exchange, Reply reply) {
        exchange.setStatusCode(reply.status());
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, reply.contentType());
        }
        exchange.getResponseSender().send(ByteBuffer.wrap(reply.body()));
    }
}
