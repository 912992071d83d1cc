package dev.mcpguard.bind;

import dev.mcpguard.core.BindPolicy;
import dev.mcpguard.core.GateMode;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import dev.mcpguard.audit.OperatorLog;

/**
 * Called from the bind advice of every server-socket implementation (NIO channels, classic
 * server sockets, Netty's native transports); lives on the bootstrap class path, where
 * {@code java.base} reaches it. Holds no policy: {@link BindPolicy} decides.
 */
public final class BindGate {
    private static volatile BindPolicy policy;
    private static volatile OperatorLog log;

    private BindGate() {
    }

    /**
     * Set once, before the bind hooks are installed: sockets already narrowed by one policy must
     * not find the next bind judged by another.
     *
     * @throws IllegalStateException when a policy is installed already
     */
    public static synchronized void install(BindPolicy bindPolicy, OperatorLog operatorLog) {
        if (bindPolicy == null || operatorLog == null) {
            throw new NullPointerException("bind policy and operator log");
        }
        if (policy != null) {
            throw new IllegalStateException("mcpguard: the BIND gate is installed already; it is installed once");
        }
        log = operatorLog;
        policy = bindPolicy;
    }

    /**
     * @param requested the address a server socket is about to bind ({@code null}: wildcard, any port)
     * @return the address to bind instead, or {@code requested}
     * @throws BindException only to refuse an ungated listener ({@code MCPGUARD_UNGATED_LISTENERS=refuse});
     *         nothing else, since a failing agent must not keep a server from starting
     */
    public static SocketAddress onBind(SocketAddress requested) throws BindException {
        SocketAddress bound = narrowed(requested);
        BindException refused;
        try {
            refused = UngatedListeners.atBind(display(bound));
        } catch (Throwable error) {
            log.error("could not tell whether a listener is gated; it is left to listen", error);
            return bound;
        }
        if (refused != null) {
            throw refused;
        }
        return bound;
    }

    /** The address as the operator reads it: {@code 0.0.0.0:8080}, {@code [::1]:0}, a Unix socket's path. */
    private static String display(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) address;
            return (inet.isUnresolved() ? inet.getHostString() : literal(inet.getAddress())) + ":" + inet.getPort();
        }
        return address == null ? "0.0.0.0:0" : address.toString();
    }

    private static SocketAddress narrowed(SocketAddress requested) {
        BindPolicy active = policy;
        if (active == null) {
            return requested;
        }
        try {
            InetAddress address = null;
            int port = 0;
            if (requested instanceof InetSocketAddress) {
                InetSocketAddress inet = (InetSocketAddress) requested;
                if (inet.isUnresolved()) {
                    return requested;
                }
                address = inet.getAddress();
                port = inet.getPort();
            } else if (requested != null) {
                return requested; // a Unix-domain socket: no network exposure to narrow
            }
            InetAddress narrowed = active.narrowed(address, port);
            if (narrowed == null) {
                return requested;
            }
            String asked = (address == null ? "0.0.0.0" : literal(address)) + ":" + port;
            String allowed = literal(narrowed) + ":" + port;
            if (active.mode() == GateMode.ENFORCE) {
                log.warn("BIND gate rewrote a listen address from {} to {}; to listen wider set MCPGUARD_BIND "
                        + "(e.g. MCPGUARD_BIND=0.0.0.0) or leave this port out of MCPGUARD_BIND_PORTS", asked, allowed);
                return new InetSocketAddress(narrowed, port);
            }
            log.warn("BIND gate (log-only) would rewrite a listen address from {} to {}; the bind is left as asked",
                    asked, allowed);
            return requested;
        } catch (Throwable error) {
            return failed(active, requested, error);
        }
    }

    /**
     * Fails closed when enforcing: the listener binds {@code MCPGUARD_BIND} itself (port kept),
     * which is never wider than allowed, rather than the address asked, which may be. Log-only
     * leaves the bind as asked, as it would anyway. Never throws.
     */
    private static SocketAddress failed(BindPolicy active, SocketAddress requested, Throwable error) {
        SocketAddress bound = requested;
        try {
            if (active.mode() == GateMode.ENFORCE && (requested == null || requested instanceof InetSocketAddress)) {
                bound = new InetSocketAddress(active.widest(), requested == null ? 0 : ((InetSocketAddress) requested).getPort());
            }
            log.error("BIND gate failed; the listener binds {}", display(bound), error);
        } catch (Throwable unreported) {
            // the address is what matters
        }
        return bound;
    }

    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }
}
