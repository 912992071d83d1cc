package dev.mcpguard.egress;

import java.util.Locale;

/**
 * One {@code MCPGUARD_EGRESS_ALLOW} entry: an address or block on any port ({@code 10.1.0.0/16}),
 * one address on one port ({@code 10.1.2.3:5432}, {@code [fd00::5]:5432}), a host name on one port
 * ({@code db.internal:5432}: the name the application connected by, not a reverse lookup), or any
 * address on one port ({@code *:443}).
 */
public final class AllowEntry {
    private final String text;
    /** {@code null} for a name or {@code *}. */
    private final AddressRange range;
    /** Lower case, without a trailing dot; {@code null} unless the entry names a host. */
    private final String host;
    /** {@code -1}: any port. */
    private final int port;

    private AllowEntry(String text, AddressRange range, String host, int port) {
        this.text = text;
        this.range = range;
        this.host = host;
        this.port = port;
    }

    /** @return the entry, or {@code null} when {@code text} is none of the four forms */
    public static AllowEntry parse(String text) {
        String entry = text.trim();
        AddressRange bare = AddressRange.parse(entry);
        if (bare != null) {
            return new AllowEntry(bare.toString(), bare, null, -1);
        }
        int colon = entry.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        int port = port(entry.substring(colon + 1));
        String host = entry.substring(0, colon);
        if (port < 0) {
            return null;
        }
        if (host.equals("*")) {
            return new AllowEntry("*:" + port, null, null, port);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            AddressRange v6 = AddressRange.parse(host.substring(1, host.length() - 1));
            return v6 == null || !v6.isIpv6() || v6.prefixLength() != 128 ? null
                    : new AllowEntry("[" + v6 + "]:" + port, v6, null, port);
        }
        if (host.indexOf(':') >= 0 || host.indexOf('/') >= 0) {
            return null; // an IPv6 address with a port needs brackets; a block takes no port
        }
        AddressRange v4 = AddressRange.parse(host);
        if (v4 != null) {
            return new AllowEntry(v4 + ":" + port, v4, null, port);
        }
        String name = hostName(host);
        return name == null ? null : new AllowEntry(name + ":" + port, null, name, port);
    }

    /** A DNS name, lower case and without a trailing dot, or {@code null}. */
    private static String hostName(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty() || name.length() > 253) {
            return null;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return null;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return null;
                }
            }
        }
        // all digits and dots would be an address InetAddress reads its own way (10.1, 0x0a...)
        return name.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.') ? null : name.toLowerCase(Locale.ROOT);
    }

    private static int port(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535 ? port : -1;
    }

    public AddressRange range() {
        return range;
    }

    /** {@code -1}: any port. */
    int port() {
        return port;
    }

    String host() {
        return host;
    }

    /** Canonical, as the banner prints it. */
    @Override
    public String toString() {
        return text;
    }
}
