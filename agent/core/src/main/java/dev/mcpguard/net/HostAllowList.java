package dev.mcpguard.net;

import java.util.ArrayList;
import java.util.List;

/**
 * Which {@code Host} header values a request may carry. The default trusts only loopback names
 * on a loopback listener: a browser led to 127.0.0.1 by DNS rebinding still sends the attacker's
 * host name, and that is what this refuses.
 */
public final class HostAllowList {
    private static final String[] LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]"};

    private final boolean any;
    private final String[] hosts;
    private final int[] ports;

    private HostAllowList(boolean any, String[] hosts, int[] ports) {
        this.any = any;
        this.hosts = hosts;
        this.ports = ports;
    }

    /** The default: loopback names (any port) when the listener is loopback, else any host. */
    public static HostAllowList loopbackDefault() {
        return new HostAllowList(false, null, null);
    }

    public static HostAllowList any() {
        return new HostAllowList(true, new String[0], new int[0]);
    }

    /**
     * @param entries host names or IP literals, port optional ({@code [v6]:port} for IPv6 with a port)
     * @throws IllegalArgumentException naming the entry that is not a valid host
     */
    public static HostAllowList of(List<String> entries) {
        List<String> hosts = new ArrayList<>();
        int[] ports = new int[entries.size()];
        for (String entry : entries) {
            String text = entry;
            if (text.indexOf(':') != text.lastIndexOf(':') && text.charAt(0) != '[') {
                text = '[' + text + ']';
            }
            int hostEnd = Authority.hostEnd(text, 0, text.length());
            int port = hostEnd < 0 ? Authority.BAD : Authority.port(text, hostEnd, text.length());
            String host = hostEnd < 0 ? null : text.substring(0, hostEnd);
            if (port == Authority.BAD || host.charAt(0) == '[' && PeerAddresses.canonicalLiteral(host) == null) {
                throw new IllegalArgumentException(entry);
            }
            ports[hosts.size()] = port;
            hosts.add(Authority.canonicalHost(host));
        }
        return new HostAllowList(false, hosts.toArray(new String[0]), ports);
    }

    public boolean isDefault() {
        return hosts == null;
    }

    public boolean isAny() {
        return any;
    }

    /**
     * @param hostHeader         the {@code Host} value
     * @param listenerIsLoopback whether the connection's local address is loopback; only the
     *                           default list reads it (see {@link #isDefault()})
     */
    public boolean allows(String hostHeader, boolean listenerIsLoopback) {
        if (any) {
            return true;
        }
        String value = hostHeader.trim();
        if (value.isEmpty()) {
            // What a client sends for a target without authority (RFC 9112 §3.2): no name to check,
            // so only a listener that accepts any host accepts it.
            return hosts == null && !listenerIsLoopback;
        }
        int hostEnd = Authority.hostEnd(value, 0, value.length());
        if (hostEnd < 0) {
            return false;
        }
        int port = Authority.port(value, hostEnd, value.length());
        if (port == Authority.BAD) {
            return false;
        }
        if (hosts == null) {
            if (!listenerIsLoopback) {
                return true;
            }
            for (String name : LOOPBACK_NAMES) {
                if (Authority.hostEquals(value, 0, hostEnd, name)) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < hosts.length; i++) {
            if ((ports[i] == Authority.NO_PORT || ports[i] == port) && Authority.hostEquals(value, 0, hostEnd, hosts[i])) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        if (any) {
            return "*";
        }
        if (hosts == null) {
            return "localhost,127.0.0.1,[::1] on a loopback listener, else any";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            out.append(i == 0 ? "" : ",").append(hosts[i]).append(ports[i] >= 0 ? ":" + ports[i] : "");
        }
        return out.length() == 0 ? "none" : out.toString();
    }
}
