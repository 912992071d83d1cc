package dev.mcpguard.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The static bearer tokens the AUTH gate accepts, held only as SHA-256 digests, each with the
 * principal it authenticates. A presented token is hashed and compared with every digest in
 * constant time, so neither the comparison nor the position of a match leaks through timing, and
 * no token is kept in memory as text.
 */
public final class AcceptedTokens implements BearerAuthenticator {
    private static final int DIGEST_LENGTH = 32;
    /** Not {@code withInitial(Scratch::new)}: the knobs are validated in premain, where a lambda costs start-up time. */
    private static final ThreadLocal<Scratch> SCRATCH = new ThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    /** One accepted token: its digest and who it authenticates. */
    public static final class Entry {
        private final byte[] digest;
        private final Authentication authentication;

        /** @param digest the token's 32-byte SHA-256; copied */
        public Entry(byte[] digest, Principal principal) {
            if (digest.length != DIGEST_LENGTH) {
                throw new IllegalArgumentException("not a SHA-256 digest");
            }
            this.digest = digest.clone();
            this.authentication = Authentication.of(principal);
        }

        /** A token known only by its digest: named {@code token:<8 hex digits>}, no scopes, no expiry. */
        public static Entry anonymous(byte[] digest) {
            return new Entry(digest, new Principal(Principal.nameOfDigest(digest), List.of(), Principal.NEVER, null));
        }

        public Principal principal() {
            return authentication.principal();
        }
    }

    /** Swapped whole on rotation: a request sees the old set or the new one, never a mix. */
    private volatile Entry[] entries;

    private AcceptedTokens(Entry[] entries) {
        this.entries = entries;
    }

    public static AcceptedTokens of(List<Entry> entries) {
        return new AcceptedTokens(entries.toArray(new Entry[0]));
    }

    /** Rotation: from now on exactly these tokens are accepted. */
    public void replace(List<Entry> newEntries) {
        entries = newEntries.toArray(new Entry[0]);
    }

    public int size() {
        return entries.length;
    }

    @Override
    public Authentication authenticate(String value, int from, int to, long nowMillis) {
        byte[] presented = digest(value, from, to);
        Entry match = null;
        for (Entry entry : this.entries) {
            // every digest is compared, whatever matched before
            if (MessageDigest.isEqual(presented, entry.digest)) {
                match = entry;
            }
        }
        if (match == null) {
            return Authentication.UNKNOWN;
        }
        return match.principal().expiredAt(nowMillis) ? Authentication.EXPIRED : match.authentication;
    }

    /** The SHA-256 of {@code text[from, to)} (ASCII), in this thread's scratch buffer: use it before the next call. */
    private static byte[] digest(CharSequence text, int from, int to) {
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
        return presented;
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
