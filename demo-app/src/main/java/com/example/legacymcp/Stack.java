package com.example.legacymcp;

import com.example.legacymcp.core.DemoStack;
import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;

/**
 * The HTTP servers of {@code demo-app.jar}. Jetty 12 and Tomcat 11 serve the {@link Endpoints}
 * servlets, with the SDK's MCP transport; the others serve the hand-written MCP endpoint
 * ({@link com.example.legacymcp.core.McpJsonRpc}) through their own API.
 */
enum Stack implements DemoStack {
    JETTY("jetty", "Jetty 12, ee10 servlet environment; MCP through the SDK's servlet transport", true, true,
            (options, keystore) -> McpEndpoint.serve(options, keystore, JettyStack::start)),
    TOMCAT("tomcat", "embedded Tomcat 11; MCP through the SDK's servlet transport", true, true,
            (options, keystore) -> McpEndpoint.serve(options, keystore, TomcatStack::start)),
    UNDERTOW("undertow", "Undertow 2.3, core HttpHandler API", true, true, UndertowStack::start),
    NETTY("netty", "raw Netty 4.1, HttpServerCodec, the body in HttpContent chunks;\n"
            + "HTTP/2 in child channels (Http2FrameCodec + Http2MultiplexHandler)", false, true,
            (options, keystore) -> NettyStack.start(options, keystore, false)),
    NETTY_AGGREGATED("netty-aggregated", "raw Netty 4.1, HttpServerCodec + HttpObjectAggregator;\n"
            + "HTTP/2 streams as FullHttpRequests (InboundHttp2ToHttpAdapter)", false, true,
            (options, keystore) -> NettyStack.start(options, keystore, true)),
    REACTOR("reactor", "Reactor Netty HttpServer (the server under Spring WebFlux), routes API", true, true,
            ReactorStack::start),
    VERTX("vertx", "Vert.x 4.5 core HttpServer (the engine under Quarkus), default options;\n"
            + "serves h2c (upgrade and prior knowledge) with or without --http2", false, true, VertxStack::start),
    JDK("jdk", "the JDK's com.sun.net.httpserver.HttpServer (HttpsServer with --tls)", false, false,
            JdkStack::start);

    @FunctionalInterface
    interface Starter {
        RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception;
    }

    private final String cliName;
    private final String summary;
    private final boolean forwardedHeaders;
    private final boolean http2;
    private final Starter starter;

    Stack(String cliName, String summary, boolean forwardedHeaders, boolean http2, Starter starter) {
        this.cliName = cliName;
        this.summary = summary;
        this.forwardedHeaders = forwardedHeaders;
        this.http2 = http2;
        this.starter = starter;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public boolean forwardedHeaders() {
        return forwardedHeaders;
    }

    @Override
    public boolean http2() {
        return http2;
    }

    @Override
    public boolean proxyProtocol() {
        return this != TOMCAT && this != JDK;
    }

    /**
     * Jetty's GzipHandler; Reactor Netty has no request decompression of its own; the aggregated Netty stack is
     * left as it is.
     */
    @Override
    public boolean inflatesRequests() {
        return this == JETTY || this == UNDERTOW || this == NETTY || this == VERTX;
    }

    @Override
    public boolean ajp() {
        return this == TOMCAT;
    }

    @Override
    public RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception {
        return starter.start(options, keystore);
    }
}
