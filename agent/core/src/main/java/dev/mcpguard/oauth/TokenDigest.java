package dev.mcpguard.oauth;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A token's SHA-256 as a map key: the validated-token cache holds these, never a token. Each
 * thread digests into its own instance ({@link #of}), so that a cache lookup allocates nothing;
 * what is stored is a {@link #copy()}.
 */
final class TokenDigest {
    private static final int LENGTH = 32;
    /** Not {@code withInitial(...)}: no lambda in the agent's classes that load at start. */
    private static final ThreadLocal<TokenDigest> SCRATCH = new ThreadLocal<>() {
        @Override
        protected TokenDigest initialValue() {
            return new TokenDigest(newSha256(), new byte[128]);
        }
    };

    private final MessageDigest sha256;
    /** The token's bytes, a block at a time; zeroed once digested, so no token stays behind. */
    private final byte[] block;
    private final byte[] digest = new byte[LENGTH];
    private int hash;

    private TokenDigest(MessageDigest sha256, byte[] block) {
        this.sha256 = sha256;
        this.block = block;
    }

    /** This thread's digest of {@code text[from, to)} (ASCII): valid until the thread's next call. */
    static TokenDigest of(CharSequence text, int from, int to) {
        TokenDigest scratch = SCRATCH.get();
        scratch.digest(text, from, to);
        return scratch;
    }

    private void digest(CharSequence text, int from, int to) {
        // in blocks: MessageDigest.update(byte) costs several times a bulk update per byte
        for (int start = from; start < to; start += block.length) {
            int n = Math.min(block.length, to - start);
            for (int i = 0; i < n; i++) {
                block[i] = (byte) text.charAt(start + i);
            }
            sha256.update(block, 0, n);
            Arrays.fill(block, 0, n, (byte) 0);
        }
        try {
            sha256.digest(digest, 0, LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        // a digest is uniformly distributed: its first bytes are as good a hash as any
        hash = (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | digest[3] & 0xff;
    }

    /** A key to store: this thread's scratch is reused by its next call. */
    TokenDigest copy() {
        TokenDigest copy = new TokenDigest(null, null);
        System.arraycopy(digest, 0, copy.digest, 0, LENGTH);
        copy.hash = hash;
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenDigest && Arrays.equals(digest, ((TokenDigest) other).digest);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
