package com.example.legacymcp;

import com.example.legacymcp.core.DemoStack;
import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;

/**
 * The HTTP servers of {@code demo-app.jar}. Jetty 12 and Tomcat 11 serve the {@link Endpoints}
 * servlets, with the SDK's MCP transport; the others serve the hand-written MCP endpoint
 * ({@link com.example.legacymcp.core.McpJsonRpc}) through their own API.
 */
enum Stack implements DemoStack {
    JETTY("jetty", "Jetty 12, ee10 servlet environment; MCP through the SDK's servlet transport", true,
            options -> McpEndpoint.serve(options, JettyStack::start)),
    TOMCAT("tomcat", "embedded Tomcat 11; MCP through the SDK's servlet transport", true,
            options -> McpEndpoint.serve(options, TomcatStack::start)),
    UNDERTOW("undertow", "Undertow 2.3, core HttpHandler API", true, UndertowStack::start),
    NETTY("netty", "raw Netty 4.1, HttpServerCodec, the body in HttpContent chunks", false,
            options -> NettyStack.start(options, false)),
    NETTY_AGGREGATED("netty-aggregated", "raw Netty 4.1, HttpServerCodec + HttpObjectAggregator", false,
            options -> NettyStack.start(options, true)),
    REACTOR("reactor", "Reactor Netty HttpServer (the server under Spring WebFlux), routes API", true,
            ReactorStack::start),
    JDK("jdk", "the JDK's com.sun.net.httpserver.HttpServer", false, JdkStack::start);

    @FunctionalInterface
    interface Starter {
        RunningServer start(Options options) throws Exception;
    }

    private final String cliName;
    private final String summary;
    private final boolean forwardedHeaders;
    private final Starter starter;

    Stack(String cliName, String summary, boolean forwardedHeaders, Starter starter) {
        this.cliName = cliName;
        this.summary = summary;
        this.forwardedHeaders = forwardedHeaders;
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
    public RunningServer start(Options options) throws Exception {
        return starter.start(options);
    }
}
