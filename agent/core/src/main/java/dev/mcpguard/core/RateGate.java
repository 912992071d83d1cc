package dev.mcpguard.core;

import java.util.function.LongSupplier;

/**
 * Per-principal request rates: a bucket per authenticated principal, or per client address for a
 * request without one (a public path, {@code MCPGUARD_NO_AUTH}). A token file entry's
 * {@code rate=} replaces the limit for its principal, and applies even when no limit is set.
 * IPv6 clients are counted by their /64 ({@link dev.mcpguard.net.PeerAddresses#clientKey}).
 *
 * <p>With shared buckets (Redis) every instance counts against the same bucket; when the store
 * cannot answer, {@code MCPGUARD_RATE_REDIS_ON_ERROR} decides: this instance's own buckets, let
 * the request through, or refuse it ({@code gate_error}).
 */
final class RateGate implements Gate {
    /** Keys a table holds before new ones share its overflow bucket; see {@link LocalBuckets}. */
    static final int CAPACITY = 100_000;

    private final Rate limit;
    private final long burst;
    private final SharedBuckets shared;
    private final RateSettings.OnSharedError onSharedError;
    private final LongSupplier nanoTime;
    private final LocalBuckets principals;
    private final LocalBuckets addresses;
    private final Refusals refusals;

    /**
     * @param limit  the limit for every principal and address, {@code null} for none (only
     *               {@code rate=} entries are limited)
     * @param burst  the bucket size under {@code limit}
     * @param shared Redis-backed buckets, {@code null} for this instance's own
     */
    RateGate(Rate limit, long burst, SharedBuckets shared, RateSettings.OnSharedError onSharedError, LongSupplier nanoTime,
             Refusals refusals) {
        this.limit = limit;
        this.burst = burst;
        this.shared = shared;
        this.onSharedError = onSharedError;
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        this.principals = new LocalBuckets(CAPACITY, now);
        this.addresses = new LocalBuckets(CAPACITY, now);
        this.refusals = refusals;
    }

    @Override
    public GateName name() {
        return GateName.RATE;
    }

    @Override
    public Reason check(RequestView request, String path, Verdict verdict) {
        Principal principal = verdict.principal();
        Rate own = principal == null ? null : principal.rateLimit();
        Rate rate = own != null ? own : limit;
        if (rate == null) {
            return null;
        }
        long size = own != null ? own.permits() : burst;
        String key = principal != null ? principal.key() : clientKey(request.peerAddress());
        long wait = shared == null ? SharedBuckets.UNAVAILABLE
                : shared.take(principal != null ? "p:" + key : "a:" + key, rate.intervalNanos(), size);
        if (wait == SharedBuckets.UNAVAILABLE) {
            if (shared != null && onSharedError != RateSettings.OnSharedError.LOCAL) {
                if (onSharedError == RateSettings.OnSharedError.ALLOW) {
                    return null;
                }
                verdict.detail("shared_buckets_unavailable");
                verdict.refuseWith(refusals.gateError(GateName.RATE));
                return Reason.GATE_ERROR;
            }
            wait = (principal != null ? principals : addresses).take(key, rate.intervalNanos(), size,
                    nanoTime.getAsLong());
        }
        if (wait == 0) {
            return null;
        }
        verdict.refuseWith(refusals.rateLimited(wait));
        return Reason.RATE_LIMITED;
    }

    private static String clientKey(String peer) {
        return peer == null ? "unknown" : dev.mcpguard.net.PeerAddresses.clientKey(peer);
    }
}
