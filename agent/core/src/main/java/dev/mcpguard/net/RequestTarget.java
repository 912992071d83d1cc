package dev.mcpguard.net;

/**
 * Reads the path of a request-target (RFC 9112 §3.2) for servers whose request object keeps the
 * target as sent. Servers disagree on an absolute-form target that is not plainly
 * {@code http(s)://authority/path}: Undertow routes {@code http://h:1inspector} to
 * {@code /inspector}, Reactor Netty {@code http://x#/inspector} to {@code /inspector}, Vert.x
 * {@code http://x?/inspector} to {@code /inspector}. Such a target has no one meaning, so it is
 * handed on whole, which no reading normalizes: the PATH gate refuses it. Pure text work, no
 * decoding.
 */
public final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * The path part, percent-escapes intact and the query kept (the gates strip it): from the
     * first {@code /} on for an absolute-form target whose scheme is http or https and whose
     * authority is a plain {@code host[:port]} followed by {@code /}; the target as it is
     * otherwise (origin, asterisk and authority forms, and every absolute form that could be read
     * more than one way: userinfo, an empty or malformed authority, no {@code /} after it).
     */
    public static String path(String target) {
        int scheme = schemeEnd(target);
        if (scheme < 0) {
            return target;
        }
        int path = authorityEnd(target, scheme + 3);
        return path < 0 ? target : target.substring(path);
    }

    /**
     * The authority of an absolute-form target ({@code http://host:port/…}) up to the first
     * {@code /}, {@code ?} or {@code #}, possibly empty; {@code null} for every other form.
     */
    public static String authority(String target) {
        int scheme = schemeEnd(target);
        if (scheme < 0) {
            return null;
        }
        int from = scheme + 3;
        int to = from;
        while (to < target.length() && "/?#".indexOf(target.charAt(to)) < 0) {
            to++;
        }
        return target.substring(from, to);
    }

    /**
     * Where the path starts: the {@code /} right after a well-formed {@code host[:port]} (a
     * registered name or a bracketed IP literal, no userinfo), or -1.
     */
    private static int authorityEnd(String target, int from) {
        int i = from;
        int length = target.length();
        if (i < length && target.charAt(i) == '[') {
            int close = target.indexOf(']', i);
            if (close < 0 || close - i - 1 > PeerAddresses.MAX_LITERAL || PeerAddresses.parse(target.substring(i, close + 1)) == null) {
                return -1;
            }
            i = close + 1;
        } else {
            while (i < length && isRegNameChar(target.charAt(i))) {
                i++;
            }
            if (i == from) {
                return -1;
            }
        }
        if (i < length && target.charAt(i) == ':') {
            int digits = ++i;
            while (i < length && target.charAt(i) >= '0' && target.charAt(i) <= '9' && i - digits < 5) {
                i++;
            }
        }
        return i < length && target.charAt(i) == '/' ? i : -1;
    }

    /** The index of {@code ://} after an {@code http} or {@code https} scheme; -1 for the other forms. */
    private static int schemeEnd(String target) {
        if (target.startsWith("/")) {
            return -1;
        }
        int scheme = target.indexOf("://");
        if (scheme <= 0) {
            return -1;
        }
        if (target.regionMatches(true, 0, "http", 0, scheme) && scheme == 4
                || target.regionMatches(true, 0, "https", 0, scheme) && scheme == 5) {
            return scheme;
        }
        return -1;
    }

    private static boolean isRegNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
