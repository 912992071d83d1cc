package dev.mcpguard.core;

import dev.mcpguard.net.Ascii;
import dev.mcpguard.net.BearerCredentials;
import dev.mcpguard.net.PathNormalizer;
import dev.mcpguard.net.PathPrefixes;

/**
 * Bearer-token authentication that fails closed: with no accepted credential every non-public
 * request is refused. Tokens in the query string are refused outright (they end up in access
 * logs and browser history), as are several or merged {@code Authorization} headers, which
 * servers and proxies resolve differently. A token shaped like a JWS is judged by JWT validation
 * alone when it is on, so that a JWT that fails is never tried as a static token. An accepted
 * token names the request's principal, which must hold {@code MCPGUARD_REQUIRED_SCOPES}.
 */
final class AuthGate implements Gate {
    private static final String QUERY_TOKEN = "access_token";

    private final BearerAuthenticator tokens;
    private final BearerAuthenticator jwt;
    private final String[] requiredScopes;
    private final PathPrefixes publicPaths;
    private final java.time.Clock clock;

    /**
     * @param tokens   the static tokens; {@code null} when none is configured
     * @param jwt      JWT validation; {@code null} when off. With neither, every token is refused (fail closed)
     */
    AuthGate(BearerAuthenticator tokens, BearerAuthenticator jwt, String[] requiredScopes, PathPrefixes publicPaths,
             java.time.Clock clock) {
        this.tokens = tokens;
        this.jwt = jwt;
        this.requiredScopes = requiredScopes.clone();
        this.publicPaths = publicPaths;
        this.clock = clock;
    }

    @Override
    public GateName name() {
        return GateName.AUTH;
    }

    @Override
    public Reason check(RequestView request, String path, Verdict verdict) {
        if (path != null && publicPaths.matches(path) && PathNormalizer.isNormal(request.rawPath())) {
            return null; // exempt only what no server can read as another path
        }
        if (verdict.servesDocument()) {
            return null; // the agent's own public document, not the application's
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
        int end = BearerCredentials.trimmedEnd(value);
        BearerAuthenticator judge = jwt != null && isJwsShaped(value, start, end) ? jwt : tokens;
        if (judge == null) {
            return Reason.INVALID_TOKEN;
        }
        Authentication authentication = judge.authenticate(value, start, end, clock.millis());
        Principal principal = authentication.principal();
        if (principal == null) {
            verdict.detail(authentication.detail());
            return Reason.INVALID_TOKEN;
        }
        verdict.authenticated(principal);
        return principal.hasScopes(requiredScopes) ? null : Reason.INSUFFICIENT_SCOPE;
    }

    /**
     * Three base64url parts, as a JWS in compact form has: a header and a payload, never empty, and
     * a signature, empty in an unsecured JWT ({@code alg: none}, RFC 7519 §6.1), which must reach
     * JWT validation to be refused as such. A static token may hold dots too, but not so.
     */
    static boolean isJwsShaped(String value, int from, int to) {
        // value[from, to) is a b64token already: base64url but for ~ + / and = (String.indexOf is the
        // JIT's vectorized scan: a JWT is hundreds of characters, and this runs on every request)
        int first = value.indexOf('.', from);
        if (first <= from || first >= to) {
            return false;
        }
        int second = value.indexOf('.', first + 1);
        if (second == first + 1 || second < 0 || second >= to || within(value, '.', second + 1, to)) {
            return false;
        }
        return !within(value, '~', from, to) && !within(value, '+', from, to) && !within(value, '/', from, to)
                && !within(value, '=', from, to);
    }

    private static boolean within(String value, char c, int from, int to) {
        int at = value.indexOf(c, from);
        return at >= 0 && at < to;
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
