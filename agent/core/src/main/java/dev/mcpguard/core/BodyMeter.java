package dev.mcpguard.core;

/**
 * The BODY gate for a body whose length could not be checked up front: counts it as the
 * application reads it and decides when it passes the limit. An adapter only feeds it the bytes
 * of each read and cuts the stream when told; it never compares a count with the limit.
 *
 * <p>Two counts, one decision. {@link #add} counts the body as the server reads it for the
 * application (after transfer decoding); {@link #addInflated} counts it as a server-side
 * decompressor hands it on, where the adapter can see one (a small compressed body may inflate
 * far past the limit). Either count passing the limit is the request's one BODY decision: logged
 * once, against the request's own {@link Verdict}, and the other count cuts from then on too.
 *
 * <p>Not thread-safe, and needs not be: a meter belongs to one request, whose reads the server
 * makes one after another, handing the request between threads with the happens-before it needs
 * for its own per-request state. Nothing is allocated per read.
 */
public final class BodyMeter {

    /** What an adapter does with a read it fed to {@link #add} or {@link #addInflated}. */
    public enum Answer {
        /** Hand the bytes on. */
        GO_ON,
        /**
         * The limit was just passed, under enforcement: drop the bytes, fail the read with
         * {@link #exceeded()}, and answer with {@link #refusal()} unless a response is committed.
         * Given once per request.
         */
        REFUSE,
        /** Refused already: drop the bytes and fail the read, answering nothing more. */
        CUT
    }

    /** What every meter of one {@link Guard} shares. */
    record Limit(long maxBytes, boolean enforce, Refusal refusal, DecisionSink sink) {
    }

    private final Limit limit;
    private final Verdict verdict;
    private long read;
    private long inflated;
    private boolean passed;

    BodyMeter(Limit limit, Verdict verdict) {
        this.limit = limit;
        this.verdict = verdict;
    }

    /**
     * Counts body bytes the server read for the application.
     *
     * @param bytes the bytes of one read; zero or less (an end of stream) counts nothing
     */
    public Answer add(long bytes) {
        read = plus(read, bytes);
        return after(read);
    }

    /**
     * Counts body bytes a server-side decompressor handed the application.
     *
     * @param bytes the inflated bytes of one read; zero or less counts nothing
     */
    public Answer addInflated(long bytes) {
        inflated = plus(inflated, bytes);
        return after(inflated);
    }

    /** Whether reads are cut: the limit was passed under enforcement. */
    public boolean cut() {
        return passed && limit.enforce();
    }

    /** The response for a body cut while the application has not committed one. */
    public Refusal refusal() {
        return limit.refusal();
    }

    /** What a cut read throws: an {@link java.io.IOException}, as a client gone away would give. */
    public BodyLimitExceeded exceeded() {
        return new BodyLimitExceeded(limit.maxBytes());
    }

    /** For a read that may throw: throws {@link #exceeded()} once reads are {@link #cut()}. */
    public void throwIfCut() throws BodyLimitExceeded {
        if (cut()) {
            throw exceeded();
        }
    }

    /** {@code count + bytes}, at most {@link Long#MAX_VALUE}: a count never wraps around to look small. */
    private static long plus(long count, long bytes) {
        if (bytes <= 0) {
            return count;
        }
        return bytes > Long.MAX_VALUE - count ? Long.MAX_VALUE : count + bytes;
    }

    private Answer after(long count) {
        if (passed) {
            return limit.enforce() ? Answer.CUT : Answer.GO_ON;
        }
        if (count <= limit.maxBytes()) {
            return Answer.GO_ON;
        }
        passed = true;
        limit.sink().record(limit.enforce() ? Action.BLOCKED : Action.WOULD_BLOCK, limit.refusal(), verdict);
        return limit.enforce() ? Answer.REFUSE : Answer.GO_ON;
    }
}
