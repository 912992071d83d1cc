package dev.mcpguard.audit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests allowed and blocked per principal, for JMX: who is calling, and who is being turned
 * away after authenticating (a missing scope). Bounded: JWT subjects are not ours to count
 * without limit, so principals past the first {@link #MAX_NAMES} share one {@link #OTHERS} row.
 */
final class PrincipalCounters {
    static final int MAX_NAMES = 1000;
    static final String OTHERS = "(others)";

    private final ConcurrentHashMap<String, LongAdder[]> byName = new ConcurrentHashMap<>();
    private final LongAdder[] others = {new LongAdder(), new LongAdder()};

    void count(String principal, boolean allowed) {
        LongAdder[] counts = byName.get(principal);
        if (counts == null) {
            counts = byName.size() < MAX_NAMES ? byName.computeIfAbsent(principal, name -> adders()) : others;
        }
        counts[allowed ? 0 : 1].increment();
    }

    /** Name → {allowed, blocked}, sorted by name; {@link #OTHERS} last, once it counted anything. */
    Map<String, long[]> snapshot() {
        Map<String, long[]> snapshot = new TreeMap<>();
        byName.forEach((name, counts) -> snapshot.put(name, new long[] {counts[0].sum(), counts[1].sum()}));
        long[] rest = {others[0].sum(), others[1].sum()};
        if (rest[0] + rest[1] > 0) {
            snapshot.put(OTHERS, rest);
        }
        return snapshot;
    }

    private static LongAdder[] adders() {
        return new LongAdder[] {new LongAdder(), new LongAdder()};
    }
}
