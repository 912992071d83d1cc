package dev.mcpguard.core;

/**
 * A request rate, {@code <n>/<s|min|h>}: {@code n} requests per period. Immutable, parsed once
 * from a knob or a token file entry, never per request.
 */
public final class Rate {
    private final long permits;
    private final long periodNanos;
    private final String text;

    private Rate(long permits, long periodNanos, String text) {
        this.permits = permits;
        this.periodNanos = periodNanos;
        this.text = text;
    }

    /** The rate {@code text} spells, or {@code null} when it is not {@code <n>/s}, {@code <n>/min} or {@code <n>/h}. */
    public static Rate parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash <= 0 || slash > 9) {
            return null; // at most 999,999,999 a period: enough, and the products below cannot overflow
        }
        long permits = 0;
        for (int i = 0; i < slash; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            permits = permits * 10 + (c - '0');
        }
        long period;
        switch (text.substring(slash + 1)) {
            case "s": period = 1_000_000_000L; break;
            case "min": period = 60_000_000_000L; break;
            case "h": period = 3_600_000_000_000L; break;
            default: return null;
        }
        return permits == 0 ? null : new Rate(permits, period, text);
    }

    /** {@code n}: also the default burst. */
    public long permits() {
        return permits;
    }

    /** The time one request's worth of bucket takes to refill, in nanoseconds (at least 1). */
    public long intervalNanos() {
        return Math.max(1, periodNanos / permits);
    }

    @Override
    public String toString() {
        return text;
    }
}
