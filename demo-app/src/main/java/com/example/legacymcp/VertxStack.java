package com.example.legacymcp;

import com.example.legacymcp.core.McpJsonRpc;
import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.Pages;
import com.example.legacymcp.core.Reply;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.PfxOptions;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * Vert.x core's {@link HttpServer} with its default options, as Quarkus runs it underneath: h2c
 * (by Upgrade and by prior knowledge) is on by default, so {@code --http2} changes nothing here.
 * Core has no router, hence the small one below, and no forwarded-header feature.
 */
final class VertxStack {

    private static final String SERVER = "Vert.x core HttpServer";

    private record Route(HttpMethod method, Handler<HttpServerRequest> handler) {
    }

    private static final Map<String, Route> ROUTES = Map.of(
            "/mcp", new Route(HttpMethod.POST, request -> request.body()
                    .onSuccess(body -> send(request, McpJsonRpc.handle(body.getBytes())))),
            "/health", new Route(HttpMethod.GET, request -> send(request, Pages.health())),
            "/inspector", new Route(HttpMethod.GET, request -> send(request,
                    Pages.inspector(request.remoteAddress().hostAddress(), SERVER))),
            "/upload", new Route(HttpMethod.POST, VertxStack::upload));

    private VertxStack() {
    }

    static RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception {
        HttpServerOptions serverOptions = new HttpServerOptions().setHost(options.host()).setPort(options.port())
                .setUseProxyProtocol(options.proxyProtocol())
                .setDecompressionSupported(options.inflateRequests());
        if (keystore != null) {
            serverOptions.setSsl(true).setUseAlpn(true).setKeyCertOptions(
                    new PfxOptions().setPath(keystore.path().toString()).setPassword(keystore.password()));
        }
        Vertx vertx = Vertx.vertx();
        HttpServer server;
        try {
            server = vertx.createHttpServer(serverOptions).requestHandler(VertxStack::route)
                    .listen().toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            vertx.close();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        CountDownLatch stopped = new CountDownLatch(1);

        return new RunningServer() {
            @Override
            public int port() {
                return server.actualPort();
            }

            @Override
            public void join() throws InterruptedException {
                stopped.await();
            }

            @Override
            public void stop() throws Exception {
                vertx.close().toCompletionStage().toCompletableFuture().get(); // closes the server too
                stopped.countDown();
            }
        };
    }

    private static void route(HttpServerRequest request) {
        Route route = ROUTES.get(request.path());
        String prefix = Pages.PREFIXES.stream().filter(p -> request.path().startsWith(p + "/")).findFirst().orElse(null);
        if (route == null && prefix != null) {
            send(request, Pages.prefix(prefix, request.path()));
        } else if (route == null) {
            send(request, Pages.notFound());
        } else if (!route.method().equals(request.method())) {
            send(request, Pages.methodNotAllowed());
        } else {
            route.handler().handle(request);
        }
    }

    private static void upload(HttpServerRequest request) {
        Upload upload = new Upload();
        request.handler(upload).endHandler(end -> send(request, Pages.uploaded(upload.bytes)));
    }

    /** Counts the body as it arrives, on the connection's event loop like the end handler. */
    private static final class Upload implements Handler<Buffer> {
        private long bytes;

        @Override
        public void handle(Buffer part) {
            bytes += part.length();
        }
    }

    private static void send(HttpServerRequest request, Reply reply) {
        HttpServerResponse response = request.response().setStatusCode(reply.status());
        if (reply.contentType() != null) {
            response.putHeader(HttpHeaders.CONTENT_TYPE, reply.contentType());
        }
        response.end(Buffer.buffer(reply.body()));
    }
}
