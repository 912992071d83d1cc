package dev.mcpguard.tomcat;

import dev.mcpguard.core.IndexedHeadersView;
import dev.mcpguard.net.ByteChars;
import org.apache.coyote.ActionCode;
import org.apache.coyote.InputBuffer;
import org.apache.coyote.Request;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.MimeHeaders;

/**
 * A Tomcat request as the gates see it, read from the protocol-level (Coyote) request. At the
 * point the agent gates, no Valve has run yet: {@code RemoteIpValve} has neither rewritten the
 * client address nor removed the forwarding headers.
 *
 * <p>Over AJP the request is a relay's: the peer address is the socket's (Tomcat keeps the one the
 * message claims as the remote address, which is not read here), and the local address is the
 * socket's too, noted by {@link AjpRequestAdvice}, since AJP fills it only from the message.
 */
final class TomcatRequestView extends IndexedHeadersView {
    /**
     * The Coyote request note holding an AJP request's socket local address ({@code ""} when
     * unknown): the last of Tomcat's 32 notes, which uses 1 and 2.
     */
    static final int AJP_SOCKET_LOCAL_ADDRESS = 31;
    /** What an AJP processor reads its requests' bodies through (a protected class): tells AJP requests apart. */
    private static final Class<?> AJP_INPUT = load("org.apache.coyote.ajp.AjpProcessor$SocketInputBuffer");

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

    /**
     * Over HTTP the request-target's path. Over AJP the whole {@code req_uri}, which Tomcat routes as
     * path although it may hold a raw {@code ?} (AJP carries the query apart): escaped here as
     * {@code %3F}, so that the gates read it as the data Tomcat takes it for.
     */
    @Override
    public String rawPath() {
        String path = request.requestURI().toString();
        // Coyote maps each raw byte to one char; the gates want the UTF-8 reading.
        return path == null ? null : ByteChars.asUtf8(path.replace("?", "%3F"));
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
        if (isAjp()) {
            Object noted = request.getNote(AJP_SOCKET_LOCAL_ADDRESS);
            if (!(noted instanceof String)) {
                throw new IllegalStateException("mcpguard: no socket address noted for this AJP request");
            }
            return ((String) noted).isEmpty() ? null : (String) noted;
        }
        request.action(ActionCode.REQ_LOCAL_ADDR_ATTRIBUTE, request);
        return nonEmpty(request.localAddr());
    }

    /** AJP: its forward requests name the client they speak for. */
    @Override
    public boolean relayedConnection() {
        return isAjp();
    }

    private boolean isAjp() {
        InputBuffer input = request.getInputBuffer();
        return input != null && input.getClass() == AJP_INPUT;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, TomcatRequestView.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null; // a Tomcat without AJP: no request is one
        }
    }

    private static String nonEmpty(MessageBytes bytes) {
        String text = bytes.toString();
        return text == null || text.isEmpty() ? null : text;
    }
}
