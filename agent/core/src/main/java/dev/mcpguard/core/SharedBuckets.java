package dev.mcpguard.core;

/**
 * Rate buckets that several instances of a server share (Redis): the limit holds across replicas.
 * Implementations answer within a short timeout and never throw; an outage is
 * {@link #UNAVAILABLE}, and the RATE gate applies {@code MCPGUARD_RATE_REDIS_ON_ERROR}.
 */
public interface SharedBuckets {
    /** The store cannot answer now: unreachable, timed out, or known to be down. */
    long UNAVAILABLE = -1;

    /**
     * Takes one request from the bucket named {@code key} (GCRA: a bucket of {@code burst}
     * requests refilled one every {@code intervalNanos}), atomically for every instance.
     *
     * @return 0 when the request is allowed; else how many nanoseconds until one would be; or
     *         {@link #UNAVAILABLE}
     */
    long take(String key, long intervalNanos, long burst);
}
