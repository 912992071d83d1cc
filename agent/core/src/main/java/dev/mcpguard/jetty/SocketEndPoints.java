package dev.mcpguard.jetty;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ProxyConnectionFactory;

/**
 * The socket under a Jetty end point, for both Jetty adapters: {@link EndPoint.Wrapper} and the
 * PROXY-protocol end point are the same API from Jetty 10 to 12. A {@code ProxyConnectionFactory}
 * end point reports the addresses its client's PROXY header claims; TLS wraps it in turn. What
 * wraps is decided by type, a few {@code instanceof} checks per request.
 */
public final class SocketEndPoints {

    private SocketEndPoints() {
    }

    /** The innermost end point, the socket's own. */
    public static EndPoint socket(EndPoint endPoint) {
        EndPoint current = endPoint;
        while (current instanceof EndPoint.Wrapper) {
            EndPoint inner = ((EndPoint.Wrapper) current).unwrap();
            if (inner == null || inner == current) {
                break;
            }
            current = inner;
        }
        return current;
    }

    /** Whether the connection began with a PROXY-protocol header: its peer speaks for another client. */
    public static boolean proxied(EndPoint endPoint) {
        for (EndPoint current = endPoint; current != null; ) {
            if (current instanceof ProxyConnectionFactory.ProxyEndPoint) {
                return true;
            }
            EndPoint inner = current instanceof EndPoint.Wrapper ? ((EndPoint.Wrapper) current).unwrap() : null;
            current = inner == current ? null : inner;
        }
        return false;
    }
}
