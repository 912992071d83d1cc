package dev.mcpguard.config;

/**
 * Parses durations such as {@code MCPGUARD_JWT_LEEWAY}: a non-negative integer and a unit, {@code ms},
 * {@code s}, {@code m}, {@code h} or {@code d}.
 */
final class DurationMillis extends Parser<Long> {
    private static final String[] UNITS = {"ms", "s", "m", "h", "d"};
    private static final long[] MILLIS = {1, 1000, 60_000, 3_600_000, 86_400_000};

    DurationMillis() {
        super("a duration: a non-negative integer and ms, s, m, h or d (60s)");
    }

    @Override
    Long parse(String value) {
        String text = value.trim();
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0 || digits > 9) {
            return null; // below 10^9 days: no overflow, in the product or added to an instant
        }
        String unit = text.substring(digits);
        for (int i = 0; i < UNITS.length; i++) {
            if (UNITS[i].equals(unit)) {
                return Math.multiplyExact(Long.parseLong(text.substring(0, digits)), MILLIS[i]);
            }
        }
        return null;
    }

    /** In the largest unit that divides it: {@code 1m} for 60 s, {@code 90s}, {@code 1500ms}. */
    static String format(long millis) {
        for (int i = UNITS.length - 1; i > 0; i--) {
            if (millis % MILLIS[i] == 0 && millis != 0) {
                return millis / MILLIS[i] + UNITS[i];
            }
        }
        return millis + "ms";
    }
}
