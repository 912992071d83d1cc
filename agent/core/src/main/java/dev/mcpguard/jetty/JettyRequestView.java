package dev.mcpguard.jetty;

import dev.mcpguard.core.IndexedHeadersView;
import dev.mcpguard.net.PeerAddresses;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * A Jetty 12 core request as the gates see it. Addresses come from the socket's end point:
 * {@code ForwardedRequestCustomizer} rewrites the request's connection metadata, not the end point,
 * and a {@code ProxyConnectionFactory} end point, which reports what the PROXY header claims, is
 * looked through ({@link SocketEndPoints}).
 */
final class JettyRequestView extends IndexedHeadersView {
    private final Request request;
    private final HttpFields headers;

    JettyRequestView(Request request) {
        this.request = request;
        this.headers = request.getHeaders();
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String rawPath() {
        return request.getHttpURI().getPath();
    }

    /**
     * The authority Jetty read off the wire, before a customizer ({@code ForwardedRequestCustomizer})
     * rewrote the request's URI: {@code :authority} over HTTP/2 and 3, where it is no {@code Host}
     * field; over HTTP/1 an absolute-form target's, which Jetty serves even without {@code Host}
     * (HTTP/1.0) and refuses when it disagrees with one, or else {@code Host}'s again.
     */
    @Override
    public String targetAuthority() {
        HttpURI uri = Request.unWrap(request).getHttpURI();
        return uri.hasAuthority() ? uri.getAuthority() : null;
    }

    @Override
    public String rawQuery() {
        return request.getHttpURI().getQuery();
    }

    @Override
    protected int fieldCount() {
        return headers.size();
    }

    @Override
    protected boolean fieldNameIs(int i, String name) {
        return headers.getField(i).is(name);
    }

    @Override
    protected boolean fieldNameStartsWith(int i, String lowerCasePrefix) {
        return headers.getField(i).getName().regionMatches(true, 0, lowerCasePrefix, 0, lowerCasePrefix.length());
    }

    @Override
    protected String fieldValue(int i) {
        return headers.getField(i).getValue();
    }

    @Override
    public String peerAddress() {
        EndPoint socket = socket();
        return socket == null ? null : PeerAddresses.of(socket.getRemoteSocketAddress());
    }

    @Override
    public String localAddress() {
        EndPoint socket = socket();
        return socket == null ? null : PeerAddresses.of(socket.getLocalSocketAddress());
    }

    @Override
    public boolean relayedConnection() {
        Connection connection = request.getConnectionMetaData().getConnection();
        return connection != null && SocketEndPoints.proxied(connection.getEndPoint());
    }

    private EndPoint socket() {
        Connection connection = request.getConnectionMetaData().getConnection();
        return connection == null ? null : SocketEndPoints.socket(connection.getEndPoint());
    }
}
