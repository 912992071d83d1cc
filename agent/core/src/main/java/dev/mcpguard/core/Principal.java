package dev.mcpguard.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Who an authenticated request comes from, as the decision log and later gates know it: a name
 * that never is the token, the scopes the credential grants, and until when it is valid.
 * Immutable; built once per token file entry or validated JWT, never per request.
 */
public final class Principal {
    /** No expiry: static tokens without {@code expires=}. */
    public static final long NEVER = Long.MAX_VALUE;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String name;
    private final String[] scopes;
    private final long expiresAtMillis;
    private final String rate;
    private final Rate rateLimit;
    private final String key;

    /**
     * @param scopes          granted scopes, in any order, duplicates allowed
     * @param expiresAtMillis epoch milliseconds after which the credential is refused, or {@link #NEVER}
     * @param rate            the token file's {@code rate=} as written, {@code null} for none
     */
    public Principal(String name, Collection<String> scopes, long expiresAtMillis, String rate) {
        this(name, scopes, expiresAtMillis, rate, "token#" + name);
    }

    /**
     * A principal a JWT names: {@code sub}, else {@code client_id}. Its {@link #key()} holds the
     * issuer and which claim named it, so that no token file name, nor a subject of the other
     * claim, can share its session bindings or rate bucket.
     */
    public static Principal ofJwt(String issuer, String claim, String name, Collection<String> scopes,
                                  long expiresAtMillis) {
        return new Principal(name, scopes, expiresAtMillis, null, "jwt:" + issuer + "#" + claim + ":" + name);
    }

    private Principal(String name, Collection<String> scopes, long expiresAtMillis, String rate, String key) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a principal needs a name");
        }
        this.name = name;
        // no streams: principals are built while the agent starts, where each lambda shape costs
        this.scopes = new java.util.TreeSet<>(scopes).toArray(new String[0]);
        this.expiresAtMillis = expiresAtMillis;
        this.rate = rate;
        this.rateLimit = Rate.parse(rate);
        this.key = key;
        if (rate != null && rateLimit == null) {
            throw new IllegalArgumentException("not a rate: " + rate);
        }
    }

    /** The name of a credential that has none of its own: {@code token:} and 8 hex digits of its SHA-256. */
    public static String nameOfDigest(byte[] sha256) {
        StringBuilder name = new StringBuilder("token:");
        for (int i = 0; i < 4; i++) {
            name.append(HEX[sha256[i] >> 4 & 0xf]).append(HEX[sha256[i] & 0xf]);
        }
        return name.toString();
    }

    public String name() {
        return name;
    }

    /** Sorted, without duplicates. */
    public List<String> scopes() {
        return List.of(scopes);
    }

    /** Whether every scope in {@code required} is granted; {@code required} is small, so a linear scan wins. */
    public boolean hasScopes(String[] required) {
        for (String scope : required) {
            if (Arrays.binarySearch(scopes, scope) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Epoch milliseconds, or {@link #NEVER}. */
    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    public boolean expiredAt(long nowMillis) {
        return nowMillis >= expiresAtMillis;
    }

    /** The token file's {@code rate=} as written, {@code null} for none (the RATE gate reads it). */
    public String rate() {
        return rate;
    }

    /**
     * Who this is to the gates that keep state per principal (rate buckets, session bindings):
     * the name qualified by where it came from (a token of this agent's, or which issuer's claim),
     * never shown. Two token file entries with one {@code name=} share it, as they share the name.
     */
    public String key() {
        return key;
    }

    /** {@link #rate()} parsed, {@code null} for none. */
    public Rate rateLimit() {
        return rateLimit;
    }

    @Override
    public String toString() {
        return name;
    }
}
