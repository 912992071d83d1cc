package com.example.legacymcp;

import com.example.legacymcp.core.McpJsonRpc;
import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.Pages;
import com.example.legacymcp.core.Reply;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's own {@code com.sun.net.httpserver}: one context per endpoint, blocking handlers.
 * HTTP/1.1 only, also as {@link HttpsServer}.
 */
final class JdkStack {

    private static final String SERVER = "JDK HttpServer/" + Runtime.version().feature();

    /** What one context answers, once its method has been checked. */
    @FunctionalInterface
    private interface Endpoint {
        Reply answer(HttpExchange exchange) throws IOException;
    }

    private JdkStack() {
    }

    static RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception {
        InetSocketAddress address = new InetSocketAddress(options.host(), options.port());
        HttpServer server;
        if (keystore != null) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(keystore.sslContext()));
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        // The JDK matches a context by path prefix: "/health" also takes "/health/x", as it would in any app.
        context(server, "/mcp", "POST", exchange -> McpJsonRpc.handle(exchange.getRequestBody().readAllBytes()));
        HttpContext health = context(server, "/health", "GET", exchange -> Pages.health());
        // Applications put their own filters first too: this one answers a page before any handler.
        health.getFilters().add(0, new VersionFilter());
        context(server, "/inspector", "GET", exchange ->
                Pages.inspector(Pages.address(exchange.getRemoteAddress()), SERVER));
        context(server, "/upload", "POST", exchange ->
                Pages.uploaded(exchange.getRequestBody().transferTo(OutputStream.nullOutputStream())));
        // Under each prefix ("/mcp/" is longer than "/mcp", so the JDK picks it for everything below /mcp/)
        for (String prefix : Pages.PREFIXES) {
            server.createContext(prefix + "/", exchange -> {
                try (exchange) {
                    send(exchange, Pages.prefix(prefix, exchange.getRequestURI().getPath()));
                }
            });
        }
        ExecutorService handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);

        return new RunningServer() {
            @Override
            public int port() {
                return server.getAddress().getPort();
            }

            @Override
            public void join() throws InterruptedException {
                stopped.await();
            }

            @Override
            public void stop() {
                // No grace period: before JDK 21, stop(n) waits out all n seconds even when idle.
                server.stop(0);
                handlers.shutdown();
                stopped.countDown();
            }
        };
    }

    private static HttpContext context(HttpServer server, String path, String method, Endpoint endpoint) {
        return server.createContext(path, exchange -> {
            try (exchange) {
                send(exchange, method.equals(exchange.getRequestMethod())
                        ? endpoint.answer(exchange)
                        : Pages.methodNotAllowed());
            }
        });
    }

    /** {@code GET /health/version}, served by a filter the application put first in the context. */
    private static final class VersionFilter extends Filter {
        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            if (!exchange.getRequestURI().getPath().equals("/health/version")) {
                chain.doFilter(exchange);
                return;
            }
            try (exchange) {
                send(exchange, new Reply(200, "text/plain", "version-from-filter".getBytes(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public String description() {
            return "demo version page";
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        // -1: no body at all (the 202 to a notification)
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        exchange.getResponseBody().write(reply.body());
    }
}
