package dev.mcpguard.core;

import dev.mcpguard.net.Ascii;
import dev.mcpguard.net.BearerCredentials;
import dev.mcpguard.net.PathNormalizer;
import dev.mcpguard.net.PathPrefixes;

/**
 * Bearer-token authentication that fails closed: with no accepted tokens every non-public
 * request is refused. Tokens in the query string are refused outright (they end up in access
 * logs and browser history), as are several or merged {@code Authorization} headers, which
 * servers and proxies resolve differently.
 */
final class AuthGate implements Gate {
    private static final String QUERY_TOKEN = "access_token";

    private final AcceptedTokens tokens;
    private final PathPrefixes publicPaths;

    /** @param tokens the accepted tokens; {@code null} when none is configured (fail closed) */
    AuthGate(AcceptedTokens tokens, PathPrefixes publicPaths) {
        this.tokens = tokens;
        this.publicPaths = publicPaths;
    }

    @Override
    public GateName name() {
        return GateName.AUTH;
    }

    @Override
    public Reason check(RequestView request, String path) {
        if (path != null && publicPaths.matches(path) && PathNormalizer.isNormal(request.rawPath())) {
            return null; // exempt only what no server can read as another path
        }
        if (hasQueryToken(request.rawQuery())) {
            return Reason.INVALID_REQUEST;
        }
        String value = request.onlyHeader("authorization");
        if (value == null) {
            return Reason.MISSING_TOKEN;
        }
        if (value == RequestView.SEVERAL || value.indexOf(',') >= 0) {
            return Reason.INVALID_REQUEST;
        }
        int start = BearerCredentials.tokenStart(value);
        if (start == BearerCredentials.NONE) {
            return Reason.MISSING_TOKEN;
        }
        if (start == BearerCredentials.MALFORMED) {
            return Reason.INVALID_TOKEN;
        }
        if (tokens == null || !tokens.accepts(value, start, BearerCredentials.trimmedEnd(value))) {
            return Reason.INVALID_TOKEN;
        }
        return null;
    }

    /**
     * Whether a parameter decodes to the name {@code access_token} (any case), without allocating
     * and in one pass: each character is looked at a bounded number of times, whatever the shape.
     */
    static boolean hasQueryToken(String query) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        int start = 0;
        int nameEnd = -1;
        for (int i = 0; i <= query.length(); i++) {
            char c = i < query.length() ? query.charAt(i) : '&';
            if (c == '=' && nameEnd < 0) {
                nameEnd = i;
            } else if (c == '&') {
                if (decodedNameEquals(query, start, nameEnd < 0 ? i : nameEnd)) {
                    return true;
                }
                start = i + 1;
                nameEnd = -1;
            }
        }
        return false;
    }

    private static boolean decodedNameEquals(String query, int from, int to) {
        if (to - from < QUERY_TOKEN.length() || to - from > 3 * QUERY_TOKEN.length()) {
            return false; // cannot decode to the name: keeps the scan linear
        }
        int matched = 0;
        for (int i = from; i < to; i++) {
            char c = query.charAt(i);
            if (c == '%' && i + 2 < to) {
                int high = Ascii.hexDigit(query.charAt(i + 1));
                int low = Ascii.hexDigit(query.charAt(i + 2));
                if (high >= 0 && low >= 0) {
                    c = (char) (high << 4 | low);
                    i += 2;
                }
            } else if (c == '+') {
                c = ' ';
            }
            if (matched == QUERY_TOKEN.length() || Character.toLowerCase(c) != QUERY_TOKEN.charAt(matched)) {
                return false;
            }
            matched++;
        }
        return matched == QUERY_TOKEN.length();
    }
}
