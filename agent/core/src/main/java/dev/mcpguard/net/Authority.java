package dev.mcpguard.net;

import java.util.Locale;

/**
 * A {@code host[:port]} as it appears in {@code Host} and {@code Origin}, parsed by offsets so
 * that the per-request checks allocate nothing in the common case.
 */
final class Authority {
    static final int NO_PORT = -1;
    static final int BAD = -2;

    private Authority() {
    }

    /** End (exclusive) of the host part of {@code text[from, to)}, or {@link #BAD}; linear in its length. */
    static int hostEnd(String text, int from, int to) {
        if (from >= to) {
            return BAD;
        }
        if (text.charAt(from) == '[') {
            int close = text.indexOf(']', from);
            if (close < 0 || close >= to || close - from - 1 > PeerAddresses.MAX_LITERAL
                    || PeerAddresses.parse(text.substring(from, close + 1)) == null) {
                return BAD; // an IP literal or nothing: no prefix lengths, ranges or zones in a name
            }
            return close + 1;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == ':') {
                return i == from ? BAD : i;
            }
            if (!isRegNameChar(c)) {
                return BAD;
            }
        }
        return to;
    }

    /** Port after the host part: {@link #NO_PORT} when absent or empty, {@link #BAD} if malformed. */
    static int port(String text, int hostEnd, int to) {
        if (hostEnd == to) {
            return NO_PORT;
        }
        if (text.charAt(hostEnd) != ':') {
            return BAD;
        }
        if (hostEnd + 1 == to) {
            return NO_PORT;
        }
        int port = 0;
        for (int i = hostEnd + 1; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || i - hostEnd > 5) {
                return BAD;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535 ? port : BAD;
    }

    /** Compares a host region with an expected lower-case canonical host, IPv6 forms included. */
    static boolean hostEquals(String text, int from, int to, String expected) {
        int length = to - from;
        if (length == expected.length() && text.regionMatches(true, from, expected, 0, length)) {
            return true;
        }
        if (text.charAt(from) == '[' && expected.charAt(0) == '[') {
            String canonical = PeerAddresses.canonicalLiteral(text.substring(from, to));
            return expected.equals(canonical);
        }
        return false;
    }

    /** The lower-case canonical form of a host for allow lists (IP literals canonicalized). */
    static String canonicalHost(String host) {
        String literal = PeerAddresses.canonicalLiteral(host);
        return literal != null ? literal : host.toLowerCase(Locale.ROOT);
    }

    private static boolean isRegNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
