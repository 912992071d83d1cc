package dev.mcpguard.net;

/**
 * Splits a request-target (RFC 9112 §3.2) as Netty-based servers read it: Netty's
 * {@code QueryStringDecoder}, Reactor Netty and Vert.x take the path of an absolute-form target
 * from the first {@code /} after the authority and end it at a {@code #}. Pure text work, no
 * decoding: the PATH gate judges what comes out.
 */
public final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * The path part, percent-escapes intact and the query kept (the gates strip it): from the
     * path on for an absolute-form target, {@code "/"} for one without a path
     * ({@code http://h?q}), the target as it is for the origin, asterisk and authority forms.
     */
    public static String path(String target) {
        int start = pathStart(target);
        if (start < 0) {
            return "/";
        }
        int end = target.indexOf('#', start);
        if (end < 0) {
            end = target.length();
        }
        return start == 0 && end == target.length() ? target : target.substring(start, end);
    }

    /**
     * The authority of an absolute-form target ({@code http://host:port/…}), possibly empty;
     * {@code null} for every other form.
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

    /** Where the path starts; -1 for an absolute form without one. */
    private static int pathStart(String target) {
        int scheme = schemeEnd(target);
        if (scheme < 0) {
            return 0;
        }
        for (int i = scheme + 3; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/') {
                return i;
            }
            if (c == '?' || c == '#') {
                break;
            }
        }
        return -1;
    }

    /** The index of {@code ://} in an absolute-form target, -1 for the other forms. */
    private static int schemeEnd(String target) {
        if (target.startsWith("/")) {
            return -1;
        }
        int scheme = target.indexOf("://");
        return scheme <= 0 ? -1 : scheme;
    }
}
