package dev.mcpguard.cli;

/**
 * Log values made safe to print. Paths and addresses come from attackers and the log reader
 * decoded them: printed raw, an ESC could drive the operator's terminal and a CR or U+2028 could
 * forge a report line. Anything but printable ASCII is therefore written as {@code \}{@code uXXXX}
 * (non-ASCII too, so that look-alike characters show), and a backslash as two, so that a
 * literal {@code \}{@code u001b} in a path stays distinguishable from an escaped ESC.
 */
final class Printable {
    private static final char ELLIPSIS = '\u2026';

    private Printable() {
    }

    /** The value escaped for text output, {@code -} for null as in the text log format. */
    static String text(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(value.length());
        escape(out, value, false);
        return out.toString();
    }

    /** {@link #text(String)}, cut to {@code max} characters with an ellipsis at the end. */
    static String text(String value, int max) {
        return cut(text(value), max, false);
    }

    /** {@link #text(String)}, cut to {@code max} characters keeping the end: file names differ there. */
    static String textTail(String value, int max) {
        return cut(text(value), max, true);
    }

    /** A JSON string literal, quotes included, or {@code null}; never cut. */
    static void json(StringBuilder out, String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        escape(out, value, true);
        out.append('"');
    }

    private static void escape(StringBuilder out, String value, boolean json) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"' && json) {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
    }

    /** Cuts between escape sequences, never inside one, so what is left still reads unambiguously. */
    private static String cut(String escaped, int max, boolean keepEnd) {
        if (escaped.length() <= max) {
            return escaped;
        }
        int keep = max - 1;
        if (keepEnd) {
            int start = 0;
            while (escaped.length() - start > keep) {
                start += unit(escaped, start);
            }
            return ELLIPSIS + escaped.substring(start);
        }
        int end = 0;
        while (end + unit(escaped, end) <= keep) {
            end += unit(escaped, end);
        }
        return escaped.substring(0, end) + ELLIPSIS;
    }

    /** The length of the escape sequence or character that starts at {@code at}. */
    private static int unit(String escaped, int at) {
        if (escaped.charAt(at) != '\\') {
            return 1;
        }
        return escaped.charAt(at + 1) == 'u' ? 6 : 2;
    }
}
