package com.example.legacymcp.javax;

import com.example.legacymcp.core.DemoStack;
import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;

/** The servlet containers of {@code demo-app-javax.jar}; each serves the same {@link Endpoints}. */
enum Stack implements DemoStack {
    TOMCAT9("tomcat9", "embedded Tomcat 9, javax.servlet; hand-written MCP servlet"),
    JETTY10("jetty10", "Jetty 10, javax.servlet; hand-written MCP servlet");

    private final String cliName;
    private final String summary;

    Stack(String cliName, String summary) {
        this.cliName = cliName;
        this.summary = summary;
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
        return true; // Tomcat's RemoteIpValve, Jetty's ForwardedRequestCustomizer
    }

    @Override
    public boolean http2() {
        return true; // Tomcat's Http2Protocol, Jetty's http2-server
    }

    @Override
    public boolean proxyProtocol() {
        return this == JETTY10; // Jetty's ProxyConnectionFactory; Tomcat has none
    }

    @Override
    public boolean inflatesRequests() {
        return this == JETTY10; // GzipHandler
    }

    @Override
    public boolean ajp() {
        return this == TOMCAT9;
    }

    @Override
    public RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception {
        return switch (this) {
            case TOMCAT9 -> Tomcat9Stack.start(options, keystore, Endpoints.routes());
            case JETTY10 -> Jetty10Stack.start(options, keystore, Endpoints.routes());
        };
    }
}
