package dev.mcpguard.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of distinct values (paths or client addresses) for one refusal row. The values come
 * from attackers, who can send a new path with every request: past {@link #MAX_VALUES} distinct
 * values, or {@link #MAX_CHARS} characters of them, a value not seen yet is counted in one
 * "(other)" bucket instead, so that memory stays bounded whatever the log holds.
 */
final class TopCounter {
    static final int MAX_VALUES = 10_000;
    static final long MAX_CHARS = 1 << 20;

    /** One line of a top list; {@code other} marks the bucket of values past the cap. */
    record Entry(String value, long count, boolean other) {
    }

    /** Count descending, then value ascending, null last; the bucket after real values of equal count. */
    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::count).reversed()
            .thenComparing(Entry::other)
            .thenComparing(Entry::value, Comparator.nullsLast(Comparator.naturalOrder()));

    private final Map<String, Long> counts = new HashMap<>();
    private long chars;
    private long other;

    /** @param value may be {@code null} (an unknown peer, say), which is counted as a value of its own */
    void add(String value) {
        Long count = counts.get(value);
        if (count != null) {
            counts.put(value, count + 1);
            return;
        }
        int length = value == null ? 0 : value.length();
        if (counts.size() >= MAX_VALUES || chars + length > MAX_CHARS) {
            other++;
            return;
        }
        counts.put(value, 1L);
        chars += length;
    }

    List<Entry> top(int n) {
        List<Entry> entries = new ArrayList<>(counts.size() + 1);
        counts.forEach((value, count) -> entries.add(new Entry(value, count, false)));
        if (other > 0) {
            entries.add(new Entry(null, other, true));
        }
        entries.sort(ORDER);
        return entries.subList(0, Math.min(n, entries.size()));
    }
}
