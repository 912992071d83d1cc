package dev.mcpguard.config;

import java.util.Locale;

/** Parses {@code MCPGUARD_MAX_BODY_BYTES}: a positive integer with an optional binary or SI unit. */
final class ByteSize {
    private static final String ALLOWED =
            "a positive integer, optionally followed by B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000)";

    private ByteSize() {
    }

    static long parse(Knob knob, String value) {
        String text = value.trim();
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0) {
            throw ConfigException.invalid(knob, value, ALLOWED);
        }
        String unit = text.substring(digits);
        if (unit.startsWith(" ")) {
            unit = unit.substring(1);
        }
        try {
            long multiplier = multiplier(unit.toLowerCase(Locale.ROOT));
            long number = Long.parseLong(text.substring(0, digits));
            long bytes = Math.multiplyExact(number, multiplier);
            if (bytes <= 0) {
                throw ConfigException.invalid(knob, value, ALLOWED);
            }
            return bytes;
        } catch (NumberFormatException | ArithmeticException e) {
            throw ConfigException.invalid(knob, value, ALLOWED + ", at most " + Long.MAX_VALUE + " bytes");
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(knob, value, ALLOWED);
        }
    }

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
                throw new IllegalArgumentException(unit);
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
