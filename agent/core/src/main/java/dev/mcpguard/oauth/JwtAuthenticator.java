package dev.mcpguard.oauth;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpguard.core.Authentication;
import dev.mcpguard.core.BearerAuthenticator;
import dev.mcpguard.core.Principal;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges JWT access tokens (design §9): a JWS whose {@code alg} is allowed, signed by a key of the
 * current set, issued by the issuer for one of our audiences, within its validity (with leeway),
 * naming a subject. A token that passes is cached until it expires ({@link ValidatedToken}), so a
 * known token costs a lookup and a constant-time comparison, no lock and no allocation; the cache starts afresh
 * whenever the keys change. Nothing here does I/O: an unknown {@code kid} only asks the refresher.
 */
public final class JwtAuthenticator implements BearerAuthenticator {
    static final int MAX_CACHED = 10_000;
    private static final Set<String> TYPES = Set.of("jwt", "at+jwt", "application/at+jwt");

    private final String issuer;
    private final Set<String> audiences;
    private final Set<JWSAlgorithm> algorithms;
    private final long leewayMillis;
    private final SigningKeys keys;
    private final Runnable unknownKey;
    private final int maxCached;
    private final AtomicLong verifications = new AtomicLong();
    private volatile Cache cache = new Cache(KeySet.EMPTY);

    /** The tokens validated with one key set. */
    private static final class Cache {
        final KeySet keys;
        final ConcurrentHashMap<ValidatedToken, Authentication> tokens = new ConcurrentHashMap<>();

        Cache(KeySet keys) {
            this.keys = keys;
        }
    }

    /**
     * @param unknownKey called (on the request thread, so it must return at once) when a token
     *                   names a key the set does not hold: the refresher's cue to fetch again
     */
    public JwtAuthenticator(JwtPolicy policy, SigningKeys keys, Runnable unknownKey) {
        this(policy, keys, unknownKey, MAX_CACHED);
    }

    JwtAuthenticator(JwtPolicy policy, SigningKeys keys, Runnable unknownKey, int maxCached) {
        this.maxCached = maxCached;
        this.issuer = policy.issuer();
        this.audiences = Set.copyOf(policy.audiences());
        Set<JWSAlgorithm> allowed = new HashSet<>();
        for (String name : policy.algorithms()) {
            allowed.add(JWSAlgorithm.parse(name));
        }
        this.algorithms = Set.copyOf(allowed);
        this.leewayMillis = policy.leewayMillis();
        this.keys = keys;
        this.unknownKey = unknownKey;
    }

    @Override
    public Authentication authenticate(String value, int from, int to, long nowMillis) {
        ValidatedToken probe = ValidatedToken.probe(value, from, to);
        try {
            Cache current = cache();
            Authentication cached = current.tokens.get(probe);
            if (cached != null) {
                if (nowMillis < validUntil(cached.principal())) {
                    return cached;
                }
                current.tokens.remove(probe);
                return Authentication.EXPIRED;
            }
            Authentication judged = validate(value.substring(from, to), current.keys, nowMillis);
            if (judged.principal() != null) {
                store(current, probe.stored(), judged, nowMillis);
            }
            return judged;
        } finally {
            probe.release();
        }
    }

    /** The cache of the current keys: a new, empty one when they changed. */
    private Cache cache() {
        Cache current = cache;
        KeySet now = keys.current();
        if (current.keys != now) {
            current = new Cache(now);
            cache = current;
        }
        return current;
    }

    private long validUntil(Principal principal) {
        long until = principal.expiresAtMillis() + leewayMillis;
        return until < principal.expiresAtMillis() ? Long.MAX_VALUE : until;
    }

    private void store(Cache cache, ValidatedToken token, Authentication authentication, long nowMillis) {
        ConcurrentHashMap<ValidatedToken, Authentication> tokens = cache.tokens;
        if (tokens.size() >= maxCached) {
            for (Iterator<Authentication> cached = tokens.values().iterator(); cached.hasNext(); ) {
                if (nowMillis >= validUntil(cached.next().principal())) {
                    cached.remove();
                }
            }
            // then an arbitrary quarter: a flood of distinct valid tokens costs verifications, never memory
            Iterator<ValidatedToken> victims = tokens.keySet().iterator();
            for (int n = tokens.size() - maxCached * 3 / 4; n > 0 && victims.hasNext(); n--) {
                victims.next();
                victims.remove();
            }
        }
        tokens.put(token, authentication);
    }

    /** How many validated tokens are cached now. */
    int cached() {
        return cache().tokens.size();
    }

    /** How many signatures were checked: what the cache saves. */
    long verifications() {
        return verifications.get();
    }

    private Authentication validate(String token, KeySet keySet, long nowMillis) {
        SignedJWT jwt;
        try {
            JWT parsed = JWTParser.parse(token);
            if (!(parsed instanceof SignedJWT)) {
                return Authentication.ALGORITHM; // alg "none": a PlainJWT
            }
            jwt = (SignedJWT) parsed;
        } catch (ParseException | RuntimeException e) {
            return unsigned(token) ? Authentication.ALGORITHM : Authentication.MALFORMED;
        }
        JWSHeader header = jwt.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            return Authentication.ALGORITHM;
        }
        JOSEObjectType type = header.getType();
        if (type != null && !TYPES.contains(type.getType().toLowerCase(java.util.Locale.ROOT))) {
            return Authentication.MALFORMED;
        }
        if (header.getCriticalParams() != null) {
            return Authentication.MALFORMED; // we understand no extension, so none may be critical (RFC 7515 §4.1.11)
        }
        Authentication signature = verify(jwt, header, keySet);
        if (signature != null) {
            return signature;
        }
        try {
            return judge(jwt.getJWTClaimsSet(), nowMillis);
        } catch (ParseException | RuntimeException e) {
            return Authentication.MALFORMED;
        }
    }

    /** Whether the header says {@code alg: none}: nimbus refuses to parse such a token when it has a signature part. */
    private static boolean unsigned(String token) {
        try {
            return Header.parse(Base64URL.from(token.substring(0, token.indexOf('.')))) instanceof PlainHeader;
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    /** @return {@code null} when a key of the set signed the token, else why not */
    private Authentication verify(SignedJWT jwt, JWSHeader header, KeySet keySet) {
        String kid = header.getKeyID();
        boolean named = false;
        for (KeySet.Key key : keySet.keys()) {
            if (kid != null && !kid.equals(key.kid)) {
                continue;
            }
            named = true;
            if (!key.fits(header.getAlgorithm())) {
                continue;
            }
            verifications.incrementAndGet();
            try {
                if (jwt.verify(key.verifier)) {
                    return null;
                }
            } catch (JOSEException | RuntimeException e) {
                // a signature of the wrong shape for the key: not made by it
            }
        }
        if (!named || kid == null && !anyFits(keySet, header.getAlgorithm())) {
            unknownKey.run();
            return Authentication.UNKNOWN_KEY;
        }
        return Authentication.SIGNATURE;
    }

    private static boolean anyFits(KeySet keySet, JWSAlgorithm alg) {
        for (KeySet.Key key : keySet.keys()) {
            if (key.fits(alg)) {
                return true;
            }
        }
        return false;
    }

    private Authentication judge(JWTClaimsSet claims, long nowMillis) throws ParseException {
        if (!issuer.equals(claims.getStringClaim("iss"))) {
            return Authentication.ISSUER;
        }
        if (!forUs(claims.getClaim("aud"))) {
            return Authentication.AUDIENCE;
        }
        Date exp = claims.getDateClaim("exp");
        if (exp == null) {
            return Authentication.MALFORMED; // an access token that never expires is not one we take
        }
        long expires = exp.getTime();
        if (nowMillis - leewayMillis >= expires) {
            return Authentication.EXPIRED;
        }
        Date nbf = claims.getDateClaim("nbf");
        if (nbf != null && nowMillis + leewayMillis < nbf.getTime()) {
            return Authentication.NOT_YET_VALID;
        }
        String claim = "sub";
        String name = claims.getStringClaim(claim);
        if (name == null || name.isEmpty()) {
            claim = "client_id";
            name = claims.getStringClaim(claim);
        }
        if (name == null || name.isEmpty()) {
            return Authentication.MALFORMED;
        }
        Object scope = claims.getClaim("scope");
        List<String> scopes = scopes(scope != null ? scope : claims.getClaim("scp"));
        if (scopes == null) {
            return Authentication.MALFORMED;
        }
        return Authentication.of(Principal.ofJwt(issuer, claim, name, scopes, expires));
    }

    /** {@code aud}: a string or an array of strings (RFC 7519 §4.1.3). */
    private boolean forUs(Object aud) {
        if (aud instanceof String) {
            return audiences.contains(aud);
        }
        if (aud instanceof List) {
            for (Object value : (List<?>) aud) {
                if (value instanceof String && audiences.contains(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Scopes as a space-separated string (RFC 9068 {@code scope}, Entra's {@code scp}) or an array of
     * strings (Spring Authorization Server's {@code scope}, Okta's {@code scp}): empty when absent,
     * {@code null} when neither.
     */
    private static List<String> scopes(Object claim) {
        List<String> scopes = new ArrayList<>();
        if (claim == null) {
            return scopes;
        }
        if (claim instanceof String) {
            for (String scope : ((String) claim).split(" ")) {
                if (!scope.isEmpty()) {
                    scopes.add(scope);
                }
            }
            return scopes;
        }
        if (claim instanceof List) {
            for (Object scope : (List<?>) claim) {
                if (!(scope instanceof String)) {
                    return null;
                }
                scopes.add((String) scope);
            }
            return scopes;
        }
        return null;
    }
}
