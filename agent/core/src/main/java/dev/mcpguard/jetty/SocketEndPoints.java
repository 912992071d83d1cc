package dev.mcpguard.jetty;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ProxyConnectionFactory;

/**
 * The socket under a Jetty end point, for both Jetty adapters: the PROXY-protocol end point and
 * {@link EndPoint.Wrapper} (TLS) are the same API from Jetty 10 to 12. A
 * {@code ProxyConnectionFactory} end point reports the addresses its client's PROXY header claims;
 * TLS may wrap it in turn. What wraps is decided by type, a few {@code instanceof} checks per
 * request.
 */
public final class SocketEndPoints {
    /** Jetty 9.4 has no {@link EndPoint.Wrapper}; its PROXY end point still unwraps. */
    private static final boolean WRAPPERS = wrappers();

    private SocketEndPoints() {
    }

    /** The innermost end point, the socket's own. */
    public static EndPoint socket(EndPoint endPoint) {
        EndPoint current = endPoint;
        for (EndPoint inner = inner(current); inner != null; inner = inner(current)) {
            current = inner;
        }
        return current;
    }

    /** Whether the connection began with a PROXY-protocol header: its peer speaks for another client. */
    public static boolean proxied(EndPoint endPoint) {
        for (EndPoint current = endPoint; current != null; current = inner(current)) {
            if (current instanceof ProxyConnectionFactory.ProxyEndPoint) {
                return true;
            }
        }
        return false;
    }

    /** The end point {@code endPoint} wraps, or {@code null}. */
    private static EndPoint inner(EndPoint endPoint) {
        EndPoint inner;
        if (endPoint instanceof ProxyConnectionFactory.ProxyEndPoint) {
            inner = ((ProxyConnectionFactory.ProxyEndPoint) endPoint).unwrap();
        } else if (WRAPPERS && endPoint instanceof EndPoint.Wrapper) {
            inner = ((EndPoint.Wrapper) endPoint).unwrap();
        } else {
            return null;
        }
        return inner == endPoint ? null : inner;
    }

    private static boolean wrappers() {
        try {
            Class.forName("org.eclipse.jetty.io.EndPoint$Wrapper", false, EndPoint.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
