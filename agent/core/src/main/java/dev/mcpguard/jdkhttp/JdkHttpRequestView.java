package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.mcpguard.core.RequestView;
import dev.mcpguard.net.PeerAddresses;
import java.net.URI;
import java.util.List;

/** A JDK {@code HttpServer} exchange as the gates see it; the server has no forwarded-header handling. */
final class JdkHttpRequestView implements RequestView {
    private final HttpExchange exchange;
    private final Headers headers;

    JdkHttpRequestView(HttpExchange exchange) {
        this.exchange = exchange;
        this.headers = exchange.getRequestHeaders();
    }

    @Override
    public String method() {
        return exchange.getRequestMethod();
    }

    @Override
    public String rawPath() {
        return exchange.getRequestURI().getRawPath();
    }

    /** An absolute-form target's authority: the JDK server hands the application the URI as sent. */
    @Override
    public String targetAuthority() {
        URI uri = exchange.getRequestURI();
        return uri.isAbsolute() ? uri.getRawAuthority() : null;
    }

    /**
     * The JDK server picks a context by plain string prefix, so {@code /inspectorx} runs the
     * {@code /inspector} context's handler: restrictions must also look at the context.
     */
    @Override
    public String routedPrefix() {
        return exchange.getHttpContext().getPath();
    }

    @Override
    public String rawQuery() {
        return exchange.getRequestURI().getRawQuery();
    }

    @Override
    public int headerCount(String name) {
        List<String> values = headers.get(name);
        return values == null ? 0 : values.size();
    }

    @Override
    public String header(String name, int index) {
        List<String> values = headers.get(name);
        return values == null || index >= values.size() ? null : values.get(index);
    }

    @Override
    public String onlyHeader(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.size() == 1 ? values.get(0) : SEVERAL;
    }

    @Override
    public boolean hasHeaderStartingWith(String lowerCasePrefix) {
        for (String name : headers.keySet()) {
            if (name.regionMatches(true, 0, lowerCasePrefix, 0, lowerCasePrefix.length())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String peerAddress() {
        return PeerAddresses.of(exchange.getRemoteAddress());
    }

    @Override
    public String localAddress() {
        return PeerAddresses.of(exchange.getLocalAddress());
    }
}
