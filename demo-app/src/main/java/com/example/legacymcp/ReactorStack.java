package com.example.legacymcp;

import com.example.legacymcp.core.McpJsonRpc;
import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.Pages;
import com.example.legacymcp.core.Reply;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.ProxyProtocolSupportType;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.tcp.SslProvider.GenericSslContextSpec;

/**
 * Reactor Netty's {@link HttpServer} with its routes API, the way a WebFlux-style service without
 * Spring looks. The MCP endpoint is the hand-written one: the SDK's WebFlux transport now ships
 * with Spring AI and needs Spring WebFlux, which the demo does not otherwise need.
 */
final class ReactorStack {

    private static final String SERVER = "Reactor Netty";

    /** Larger than any upload of the tests, as on netty: the upgrade request is read whole before the switch. */
    private static final int MAX_UPGRADE_BODY = 64 * 1024 * 1024;

    private ReactorStack() {
    }

    static RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception {
        HttpServer http = HttpServer.create()
                .host(options.host())
                .port(options.port())
                // Forwarded and X-Forwarded-* rewrite remoteAddress(), whoever sends them.
                .forwarded(options.trustForwarded())
                .proxyProtocol(options.proxyProtocol() ? ProxyProtocolSupportType.ON : ProxyProtocolSupportType.OFF)
                .route(routes -> routes
                        .post("/mcp", (request, response) -> request.receive().aggregate().asByteArray()
                                .defaultIfEmpty(new byte[0])
                                .flatMap(body -> send(response, McpJsonRpc.handle(body))))
                        .get("/health", (request, response) -> send(response, Pages.health()))
                        .get("/inspector", (request, response) -> send(response,
                                Pages.inspector(Pages.address(request.remoteAddress()), SERVER)))
                        .post("/upload", (request, response) -> request.receive()
                                .map(ByteBuf::readableBytes)
                                .reduce(0L, (bytes, part) -> bytes + part)
                                .flatMap(bytes -> send(response, Pages.uploaded(bytes))))
                        // after the exact routes: a wildcard pattern, and a predicate on the raw URI
                        .get("/mcp/**", ReactorStack::prefix)
                        .post("/mcp/**", ReactorStack::prefix)
                        .route(request -> request.uri().startsWith("/inspector/"), ReactorStack::prefix));
        if (keystore != null) {
            // As this type, not as the ProtocolSslContextSpec that it also is: that overload is deprecated.
            GenericSslContextSpec<?> tls = Http2SslContextSpec.forServer(keystore.keyManagerFactory());
            http = http.secure(spec -> spec.sslContext(tls)).protocol(HttpProtocol.HTTP11, HttpProtocol.H2);
        } else if (options.http2()) {
            http = http.protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
                    // By default 0: a 413 to any Upgrade: h2c request with a body, not the agent's 413.
                    .httpRequestDecoder(spec -> spec.h2cMaxContentLength(MAX_UPGRADE_BODY));
        }
        DisposableServer server = http.bindNow();

        return new RunningServer() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void join() {
                server.onDispose().block();
            }

            @Override
            public void stop() {
                server.disposeNow(Duration.ofSeconds(5));
            }
        };
    }

    private static Mono<Void> prefix(HttpServerRequest request, HttpServerResponse response) {
        String prefix = request.path().startsWith("inspector") ? "/inspector" : "/mcp";
        return send(response, Pages.prefix(prefix, request.uri()));
    }

    private static Mono<Void> send(HttpServerResponse response, Reply reply) {
        response.status(reply.status());
        if (reply.contentType() != null) {
            response.header(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        return response.sendByteArray(Mono.just(reply.body())).then();
    }
}
