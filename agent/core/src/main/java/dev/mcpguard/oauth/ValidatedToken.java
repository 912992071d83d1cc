package dev.mcpguard.oauth;

/**
 * A JWT as the validated-token cache's key. A lookup hashes only the token's last characters —
 * its signature, uniformly distributed for any real token — and then compares the whole token
 * with the stored one in constant time, so that a known token costs a few dozen character reads
 * and one pass over its bytes rather than a SHA-256 of the whole (which cost five times the
 * static-token allow path). The cache therefore holds validated JWTs, as the server's own request
 * buffers do, until they expire; static tokens are still held as digests only. Each thread looks
 * up through its own probe ({@link #probe}), so a lookup allocates nothing.
 */
final class ValidatedToken {
    /** Characters of the tail that are hashed: a quarter of an RS256 signature, all of a short one. */
    private static final int HASHED_TAIL = 64;
    /** Not {@code withInitial(...)}: no lambda in the agent's classes that load at start. */
    private static final ThreadLocal<ValidatedToken> PROBE = new ThreadLocal<>() {
        @Override
        protected ValidatedToken initialValue() {
            return new ValidatedToken();
        }
    };

    /** The stored token's ASCII bytes; {@code null} in a probe. */
    private final byte[] stored;
    private String text;
    private int from;
    private int to;
    private int hash;

    private ValidatedToken() {
        this.stored = null;
    }

    private ValidatedToken(byte[] stored, int hash) {
        this.stored = stored;
        this.hash = hash;
    }

    /** This thread's probe for {@code text[from, to)}: valid until the thread's next call. */
    static ValidatedToken probe(String text, int from, int to) {
        ValidatedToken probe = PROBE.get();
        probe.text = text;
        probe.from = from;
        probe.to = to;
        probe.hash = hash(text, from, to);
        return probe;
    }

    /** A key to store, made from this probe, which is reused by the thread's next call. */
    ValidatedToken stored() {
        byte[] bytes = new byte[to - from];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) text.charAt(from + i);
        }
        return new ValidatedToken(bytes, hash);
    }

    /** Drops the probe's reference to the request's header value. */
    void release() {
        text = null;
    }

    private static int hash(String text, int from, int to) {
        int hash = to - from;
        for (int i = Math.max(from, to - HASHED_TAIL); i < to; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        return hash;
    }

    /**
     * A probe equals a stored token with the same characters; the comparison reads every
     * character whatever differs, so its time tells nothing of where a guess goes wrong.
     */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ValidatedToken)) {
            return false;
        }
        ValidatedToken that = (ValidatedToken) other;
        if (stored != null && that.stored != null) {
            return java.security.MessageDigest.isEqual(stored, that.stored);
        }
        ValidatedToken probe = stored == null ? this : that;
        byte[] bytes = stored == null ? that.stored : stored;
        if (bytes == null || probe.to - probe.from != bytes.length) {
            return false;
        }
        int difference = 0;
        String text = probe.text;
        int from = probe.from;
        for (int i = 0; i < bytes.length; i++) {
            difference |= bytes[i] ^ text.charAt(from + i);
        }
        return difference == 0;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
