package dev.mcpguard.tomcat;

import dev.mcpguard.core.IndexedHeadersView;
import dev.mcpguard.net.ByteChars;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Request;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * A Tomcat request as the gates see it, read from the protocol-level (Coyote) request. At the
 * point the agent gates, no Valve has run yet: {@code RemoteIpValve} has neither rewritten the
 * client address nor removed the forwarding headers.
 */
final class TomcatRequestView extends IndexedHeadersView {
    private final Request request;
    private final MimeHeaders headers;

    TomcatRequestView(Request request) {
        this.request = request;
        this.headers = request.getMimeHeaders();
    }

    @Override
    public String method() {
        return request.method().toString();
    }

    @Override
    public String rawPath() {
        String path = request.requestURI().toString();
        // Coyote maps each raw byte to one char; the gates want the UTF-8 reading.
        return path == null ? null : ByteChars.asUtf8(path);
    }

    /**
     * Over HTTP/2, the {@code :authority} Tomcat parsed into the server name and port, which it
     * routes virtual hosts on; it does not show up as a {@code Host} field. Over HTTP/1.1 Tomcat
     * sets {@code Host} from an absolute-form target itself, and refuses the two disagreeing.
     */
    @Override
    public String targetAuthority() {
        if (!isHttp2(request) || request.serverName().isNull()) {
            return null;
        }
        String name = request.serverName().toString();
        int port = request.getServerPort();
        return port < 0 ? name : name + ":" + port;
    }

    static boolean isHttp2(Request request) {
        return request.protocol().equals("HTTP/2.0");
    }

    @Override
    public String rawQuery() {
        return request.queryString().toString();
    }

    @Override
    protected int fieldCount() {
        return headers.size();
    }

    @Override
    protected boolean fieldNameIs(int i, String name) {
        return headers.getName(i).equalsIgnoreCase(name);
    }

    @Override
    protected boolean fieldNameStartsWith(int i, String lowerCasePrefix) {
        return headers.getName(i).startsWithIgnoreCase(lowerCasePrefix, 0);
    }

    @Override
    protected String fieldValue(int i) {
        return headers.getValue(i).toString();
    }

    @Override
    public String peerAddress() {
        request.action(ActionCode.REQ_PEER_ADDR_ATTRIBUTE, request);
        return nonEmpty(request.peerAddr());
    }

    @Override
    public String localAddress() {
        request.action(ActionCode.REQ_LOCAL_ADDR_ATTRIBUTE, request);
        return nonEmpty(request.localAddr());
    }

    private static String nonEmpty(MessageBytes bytes) {
        String text = bytes.toString();
        return text == null || text.isEmpty() ? null : text;
    }
}
