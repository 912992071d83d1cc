package dev.mcpguard.undertow;

import dev.mcpguard.core.RequestView;
import dev.mcpguard.net.PeerAddresses;
import dev.mcpguard.net.RequestTarget;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.ajp.AjpServerConnection;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import org.xnio.StreamConnection;

/**
 * An Undertow exchange as the gates see it. Addresses come from the socket: the proxy handlers
 * rewrite the exchange's source address, not the connection's peer, and a PROXY-protocol
 * connection, which reports what its header claims, is looked through ({@link UndertowSockets}).
 * An AJP connection's peer is the socket's; the client AJP names is only the exchange's.
 */
final class UndertowRequestView implements RequestView {
    private final HttpServerExchange exchange;
    private final HeaderMap headers;

    UndertowRequestView(HttpServerExchange exchange) {
        this.exchange = exchange;
        this.headers = exchange.getRequestHeaders();
    }

    @Override
    public String method() {
        return exchange.getRequestMethod().toString();
    }

    @Override
    public String rawPath() {
        String uri = exchange.getRequestURI();
        return exchange.isHostIncludedInRequestURI() ? RequestTarget.path(uri) : uri;
    }

    /** An absolute-form target's authority, which Undertow keeps in the request URI (and serves without {@code Host}). */
    @Override
    public String targetAuthority() {
        return exchange.isHostIncludedInRequestURI() ? RequestTarget.authority(exchange.getRequestURI()) : null;
    }

    @Override
    public String rawQuery() {
        String query = exchange.getQueryString();
        return query.isEmpty() ? null : query;
    }

    @Override
    public int headerCount(String name) {
        HeaderValues values = headers.get(name);
        return values == null ? 0 : values.size();
    }

    @Override
    public String header(String name, int index) {
        HeaderValues values = headers.get(name);
        return values == null || index >= values.size() ? null : values.get(index);
    }

    @Override
    public String onlyHeader(String name) {
        HeaderValues values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.size() == 1 ? values.getFirst() : SEVERAL;
    }

    @Override
    public boolean hasHeaderStartingWith(String lowerCasePrefix) {
        for (long cookie = headers.fastIterateNonEmpty(); cookie != -1L; cookie = headers.fiNextNonEmpty(cookie)) {
            String name = headers.fiCurrent(cookie).getHeaderName().toString();
            if (name.regionMatches(true, 0, lowerCasePrefix, 0, lowerCasePrefix.length())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String peerAddress() {
        StreamConnection socket = UndertowSockets.socket(exchange.getConnection());
        return PeerAddresses.of(socket != null ? socket.getPeerAddress() : exchange.getConnection().getPeerAddress());
    }

    @Override
    public String localAddress() {
        StreamConnection socket = UndertowSockets.socket(exchange.getConnection());
        return PeerAddresses.of(socket != null ? socket.getLocalAddress() : exchange.getConnection().getLocalAddress());
    }

    /** PROXY protocol, or AJP, whose forward requests name the client they speak for. */
    @Override
    public boolean relayedConnection() {
        ServerConnection connection = exchange.getConnection();
        return connection instanceof AjpServerConnection || UndertowSockets.proxied(connection);
    }
}
