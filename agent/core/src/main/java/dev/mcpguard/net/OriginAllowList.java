package dev.mcpguard.net;

import java.util.List;
import java.util.Locale;

/**
 * Which {@code Origin} values a request may carry (the MCP specification asks HTTP transports
 * to validate it). {@code null} — what sandboxed frames and redirects send — is never allowed,
 * not even by {@code *}.
 */
public final class OriginAllowList {
    private static final String[] LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"};

    private final boolean any;
    private final String[] schemes;
    private final String[] hosts;
    private final int[] ports;

    private OriginAllowList(boolean any, String[] schemes, String[] hosts, int[] ports) {
        this.any = any;
        this.schemes = schemes;
        this.hosts = hosts;
        this.ports = ports;
    }

    /** http or https on localhost, 127.0.0.1 or [::1], any port. */
    public static OriginAllowList loopbackDefault() {
        return new OriginAllowList(false, null, null, null);
    }

    public static OriginAllowList any() {
        return new OriginAllowList(true, null, null, null);
    }

    /** @throws IllegalArgumentException naming the entry that is not {@code scheme://host[:port]} */
    public static OriginAllowList of(List<String> entries) {
        int n = entries.size();
        String[] schemes = new String[n];
        String[] hosts = new String[n];
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            String entry = entries.get(i);
            int schemeEnd = schemeEnd(entry);
            int hostEnd = schemeEnd < 0 ? Authority.BAD : Authority.hostEnd(entry, schemeEnd + 3, entry.length());
            int port = hostEnd < 0 ? Authority.BAD : Authority.port(entry, hostEnd, entry.length());
            if (port == Authority.BAD) {
                throw new IllegalArgumentException(entry);
            }
            String host = entry.substring(schemeEnd + 3, hostEnd);
            if (host.charAt(0) == '[' && PeerAddresses.canonicalLiteral(host) == null) {
                throw new IllegalArgumentException(entry);
            }
            schemes[i] = entry.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            hosts[i] = Authority.canonicalHost(host);
            ports[i] = port == Authority.NO_PORT ? defaultPort(schemes[i], 0, schemes[i].length()) : port;
        }
        return new OriginAllowList(false, schemes, hosts, ports);
    }

    public boolean isDefault() {
        return hosts == null && !any;
    }

    public boolean isAny() {
        return any;
    }

    public boolean allows(String origin) {
        String value = origin.trim();
        int schemeEnd = schemeEnd(value);
        if (schemeEnd < 0) {
            return false; // "null" and anything that is not scheme://authority
        }
        int hostStart = schemeEnd + 3;
        int hostEnd = Authority.hostEnd(value, hostStart, value.length());
        if (hostEnd < 0) {
            return false;
        }
        int port = Authority.port(value, hostEnd, value.length());
        if (port == Authority.BAD) {
            return false;
        }
        if (any) {
            return true;
        }
        if (hosts == null) {
            if (!isHttpScheme(value, schemeEnd)) {
                return false;
            }
            for (String host : LOOPBACK_HOSTS) {
                if (Authority.hostEquals(value, hostStart, hostEnd, host)) {
                    return true;
                }
            }
            return false;
        }
        int effectivePort = port == Authority.NO_PORT ? defaultPort(value, 0, schemeEnd) : port;
        for (int i = 0; i < hosts.length; i++) {
            if (ports[i] == effectivePort
                    && schemes[i].length() == schemeEnd && value.regionMatches(true, 0, schemes[i], 0, schemeEnd)
                    && Authority.hostEquals(value, hostStart, hostEnd, hosts[i])) {
                return true;
            }
        }
        return false;
    }

    private static int schemeEnd(String value) {
        int colon = value.indexOf("://");
        if (colon <= 0) {
            return -1;
        }
        for (int i = 0; i < colon; i++) {
            char c = value.charAt(i);
            boolean alpha = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (!alpha && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'))) {
                return -1;
            }
        }
        return colon;
    }

    private static boolean isHttpScheme(String value, int schemeEnd) {
        return schemeEnd == 4 && value.regionMatches(true, 0, "http", 0, 4)
                || schemeEnd == 5 && value.regionMatches(true, 0, "https", 0, 5);
    }

    private static int defaultPort(String text, int from, int to) {
        if (to - from == 4 && text.regionMatches(true, from, "http", 0, 4)) {
            return 80;
        }
        if (to - from == 5 && text.regionMatches(true, from, "https", 0, 5)) {
            return 443;
        }
        return Authority.NO_PORT;
    }

    @Override
    public String toString() {
        if (any) {
            return "* (never null)";
        }
        if (hosts == null) {
            return "http(s)://localhost|127.0.0.1|[::1], any port";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < hosts.length; i++) {
            out.append(i == 0 ? "" : ",").append(schemes[i]).append("://").append(hosts[i])
                    .append(ports[i] >= 0 ? ":" + ports[i] : "");
        }
        return out.length() == 0 ? "none" : out.toString();
    }
}
