package dev.mcpguard.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One instance's rate buckets, one per key, as GCRA: each bucket is a single "theoretical
 * arrival time" updated by compare-and-set, so the allow path takes no lock and allocates
 * nothing once a key is known.
 *
 * <p>Bounded: a bucket whose arrival time has passed is full, which is exactly what an absent
 * bucket means, so sweeping such buckets away changes no decision. The table holds at most
 * {@code capacity} keys; when a flood of distinct keys (client addresses, say) fills it with
 * buckets that are not full yet, keys it cannot admit share {@value #OVERFLOW} overflow buckets
 * (by their hash), so the flood is limited as that many clients while every key already known
 * keeps its own bucket, and a new client shares its bucket with a part of the flood only. A sweep
 * runs at most once a second, on the thread that found the table full.
 */
final class LocalBuckets {
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;
    static final int OVERFLOW = 64;

    private final ConcurrentHashMap<String, AtomicLong> buckets = new ConcurrentHashMap<>();
    private final AtomicLong[] overflow = new AtomicLong[OVERFLOW];
    private final AtomicLong nextSweep;
    private final int capacity;

    LocalBuckets(int capacity, long nowNanos) {
        this.capacity = capacity;
        for (int i = 0; i < OVERFLOW; i++) {
            overflow[i] = new AtomicLong(nowNanos);
        }
        this.nextSweep = new AtomicLong(nowNanos);
    }

    /**
     * Takes one request from {@code key}'s bucket.
     *
     * @return 0 when allowed, else how many nanoseconds until one would be
     */
    long take(String key, long intervalNanos, long burst, long nowNanos) {
        AtomicLong arrival = buckets.get(key);
        if (arrival == null) {
            arrival = admit(key, nowNanos);
        }
        return take(arrival, intervalNanos, burst, nowNanos);
    }

    /** How many keys have a bucket of their own (for tests and the memory measurement). */
    int size() {
        return buckets.size();
    }

    /**
     * GCRA: the request is allowed when, counting it, the bucket's arrival time runs at most
     * {@code burst} intervals ahead of now. A refused request changes nothing.
     */
    static long take(AtomicLong arrival, long intervalNanos, long burst, long nowNanos) {
        long tolerance = burst > Long.MAX_VALUE / 4 / intervalNanos ? Long.MAX_VALUE / 4 : intervalNanos * burst;
        while (true) {
            long current = arrival.get();
            long next = (current - nowNanos > 0 ? current : nowNanos) + intervalNanos;
            long wait = next - nowNanos - tolerance;
            if (wait > 0) {
                return wait;
            }
            if (arrival.compareAndSet(current, next)) {
                return 0;
            }
        }
    }

    private AtomicLong admit(String key, long nowNanos) {
        if (buckets.size() >= capacity) {
            sweep(nowNanos);
            if (buckets.size() >= capacity) {
                return overflow[(key.hashCode() & 0x7fffffff) % OVERFLOW];
            }
        }
        AtomicLong fresh = new AtomicLong(nowNanos);
        AtomicLong raced = buckets.putIfAbsent(key, fresh);
        return raced != null ? raced : fresh;
    }

    private void sweep(long nowNanos) {
        long due = nextSweep.get();
        if (nowNanos - due < 0 || !nextSweep.compareAndSet(due, nowNanos + SWEEP_EVERY_NANOS)) {
            return;
        }
        // A request racing the sweep may count against a bucket just removed: one request more, once.
        buckets.values().removeIf(arrival -> arrival.get() - nowNanos <= 0);
    }
}
