package dev.mcpguard.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The bearer tokens the AUTH gate accepts, held only as SHA-256 digests. A presented token is
 * hashed and compared with every digest in constant time, so neither the comparison nor the
 * position of a match leaks through timing, and no token is kept in memory as text.
 */
public final class AcceptedTokens {
    private static final int DIGEST_LENGTH = 32;
    /** Not {@code withInitial(Scratch::new)}: the knobs are validated in premain, where a lambda costs start-up time. */
    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    /** Swapped whole on rotation: a request sees the old set or the new one, never a mix. */
    private volatile byte[][] digests;

    private AcceptedTokens(byte[][] digests) {
        this.digests = digests;
    }

    /** @param digests 32-byte SHA-256 digests; copied */
    public static AcceptedTokens of(List<byte[]> digests) {
        return new AcceptedTokens(copy(digests));
    }

    /** Rotation: from now on exactly these digests are accepted. */
    public void replace(List<byte[]> newDigests) {
        digests = copy(newDigests);
    }

    public int size() {
        return digests.length;
    }

    private static byte[][] copy(List<byte[]> digests) {
        byte[][] copy = new byte[digests.size()][];
        for (int i = 0; i < copy.length; i++) {
            if (digests.get(i).length != DIGEST_LENGTH) {
                throw new IllegalArgumentException("not a SHA-256 digest");
            }
            copy[i] = digests.get(i).clone();
        }
        return copy;
    }

    /** Whether {@code text[from, to)} (an ASCII b64token) is an accepted token. */
    public boolean accepts(CharSequence text, int from, int to) {
        Scratch scratch = SCRATCH.get();
        MessageDigest sha256 = scratch.sha256;
        // In blocks: MessageDigest.update(byte) costs several times a bulk update per byte.
        byte[] bytes = scratch.bytes;
        for (int block = from; block < to; block += bytes.length) {
            int n = Math.min(bytes.length, to - block);
            for (int i = 0; i < n; i++) {
                bytes[i] = (byte) text.charAt(block + i);
            }
            sha256.update(bytes, 0, n);
            Arrays.fill(bytes, 0, n, (byte) 0);
        }
        byte[] presented = scratch.digest;
        try {
            sha256.digest(presented, 0, DIGEST_LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        boolean accepted = false;
        for (byte[] digest : this.digests) {
            accepted |= MessageDigest.isEqual(presented, digest);
        }
        return accepted;
    }

    /** SHA-256 of a token's ASCII bytes, as used for {@code MCPGUARD_TOKEN_SHA256}. */
    public static byte[] sha256(CharSequence token) {
        MessageDigest sha256 = newSha256();
        for (int i = 0; i < token.length(); i++) {
            sha256.update((byte) token.charAt(i));
        }
        return sha256.digest();
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    private static final class Scratch {
        final MessageDigest sha256 = newSha256();
        final byte[] digest = new byte[DIGEST_LENGTH];
        /** The presented token's bytes, a block at a time; zeroed once digested, so no token stays behind. */
        final byte[] bytes = new byte[128];
    }
}
