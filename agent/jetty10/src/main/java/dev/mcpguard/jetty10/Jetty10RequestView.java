package dev.mcpguard.jetty10;

import dev.mcpguard.core.IndexedHeadersView;
import dev.mcpguard.jetty.SocketEndPoints;
import dev.mcpguard.net.PeerAddresses;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Request;

/**
 * A Jetty 10 request as the gates see it. Addresses come from the socket's end point under the
 * channel's: {@code ForwardedRequestCustomizer} rewrites the request's remote address, not the end
 * point, and a {@code ProxyConnectionFactory} end point, which reports what the PROXY header claims,
 * is looked through ({@link SocketEndPoints}). Over HTTP/2 the channel's end point is the
 * connection's too.
 */
final class Jetty10RequestView extends IndexedHeadersView {
    private final Request request;
    private final HttpFields headers;
    private final EndPoint endPoint;

    Jetty10RequestView(HttpChannel channel) {
        this.request = channel.getRequest();
        this.headers = request.getHttpFields();
        this.endPoint = channel.getEndPoint();
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
     * The authority Jetty read off the wire (the request's metadata, which customizers such as
     * {@code ForwardedRequestCustomizer} leave alone): {@code :authority} over HTTP/2, where it is
     * no {@code Host} field; over HTTP/1 an absolute-form target's, which Jetty serves even without
     * {@code Host} (HTTP/1.0) and refuses when it disagrees with one.
     */
    @Override
    public String targetAuthority() {
        MetaData.Request wire = request.getMetaData();
        HttpURI uri = wire == null ? null : wire.getURI();
        return uri != null && uri.hasAuthority() ? uri.getAuthority() : null;
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
        return PeerAddresses.of(SocketEndPoints.socket(endPoint).getRemoteSocketAddress());
    }

    @Override
    public String localAddress() {
        return PeerAddresses.of(SocketEndPoints.socket(endPoint).getLocalSocketAddress());
    }

    @Override
    public boolean relayedConnection() {
        return SocketEndPoints.proxied(endPoint);
    }
}
