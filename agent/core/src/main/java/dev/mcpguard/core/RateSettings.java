package dev.mcpguard.core;

/**
 * The RATE gate's configuration.
 *
 * @param limit         the limit for every principal and client address, {@code null} for none
 * @param burst         the bucket size under {@code limit}
 * @param shared        buckets shared through Redis, {@code null} for this instance's own
 * @param onSharedError what to do when {@code shared} cannot answer
 */
public record RateSettings(Rate limit, long burst, SharedBuckets shared, OnSharedError onSharedError) {
    /** {@code MCPGUARD_RATE_REDIS_ON_ERROR}. */
    public enum OnSharedError { LOCAL, ALLOW, DENY }

    /** No limit but the token file's {@code rate=} entries, no Redis. */
    public static final RateSettings NONE = new RateSettings(null, 0, null, OnSharedError.LOCAL);

    public RateSettings {
        if (limit != null && burst < 1) {
            throw new IllegalArgumentException("a burst of at least 1 is required");
        }
        java.util.Objects.requireNonNull(onSharedError, "onSharedError");
    }
}
