package dev.mcpguard.config;

import java.util.Locale;

/** Parses {@code MCPGUARD_MAX_BODY_BYTES}: a positive integer with an optional binary or SI unit. */
final class ByteSize extends Parser<Long> {
    private static final String ALLOWED =
            "a positive integer, optionally followed by B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000)";
    private static final long INVALID = -1;
    private static final long TOO_LARGE = -2;

    ByteSize() {
        super(ALLOWED);
    }

    @Override
    Long parse(String value) {
        long bytes = bytes(value);
        return bytes > 0 ? bytes : null;
    }

    @Override
    String expected(String value) {
        return bytes(value) == TOO_LARGE ? ALLOWED + ", at most " + Long.MAX_VALUE + " bytes" : ALLOWED;
    }

    /** The size, or {@link #INVALID} or {@link #TOO_LARGE}. */
    private static long bytes(String value) {
        String text = value.trim();
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            return INVALID;
        }
        String unit = text.substring(digits);
        if (unit.startsWith(" ")) {
            unit = unit.substring(1);
        }
        long multiplier = multiplier(unit.toLowerCase(Locale.ROOT));
        if (multiplier < 0) {
            return INVALID;
        }
        try {
            long bytes = Math.multiplyExact(Long.parseLong(text.substring(0, digits)), multiplier);
            return bytes > 0 ? bytes : INVALID;
        } catch (NumberFormatException | ArithmeticException e) {
            return TOO_LARGE;
        }
    }

    /** @return the unit's bytes, or -1 */
    private static long multiplier(String unit) {
        switch (unit) {
            case "":
            case "b":
                return 1;
            case "kib":
                return 1L << 10;
            case "mib":
                return 1L << 20;
            case "gib":
                return 1L << 30;
            case "kb":
                return 1_000;
            case "mb":
                return 1_000_000;
            case "gb":
                return 1_000_000_000;
            default:
                return -1;
        }
    }

    static String format(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "GiB";
        }
        if (bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "MiB";
        }
        if (bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "KiB";
        }
        return bytes + "B";
    }
}
