package dev.mcpguard.net;

/** RFC 6750 {@code Authorization: Bearer} syntax, checked without allocating. */
public final class BearerCredentials {
    /** Not a Bearer credential at all: absent, empty or another scheme. */
    public static final int NONE = -1;
    /** Starts like Bearer but is malformed: no token, no space, or characters outside b64token. */
    public static final int MALFORMED = -2;

    private static final String SCHEME = "bearer";

    private BearerCredentials() {
    }

    /**
     * @return the offset of the token in {@code value} (it runs to the end), {@link #NONE} or
     *         {@link #MALFORMED}
     */
    public static int tokenStart(String value) {
        if (value == null) {
            return NONE;
        }
        int end = trimmedEnd(value);
        int start = 0;
        while (start < end && value.charAt(start) == ' ') {
            start++;
        }
        if (start == end || !value.regionMatches(true, start, SCHEME, 0, SCHEME.length())) {
            return NONE;
        }
        int i = start + SCHEME.length();
        if (i == end) {
            return MALFORMED;
        }
        if (value.charAt(i) != ' ') {
            // "Bearer<token>" is a malformed Bearer; "Bearerish x" would be another scheme,
            // but no such scheme exists and refusing it as malformed is the safer reading.
            return MALFORMED;
        }
        while (i < end && value.charAt(i) == ' ') {
            i++;
        }
        return isToken(value, i, end) ? i : MALFORMED;
    }

    /** End of the value without trailing spaces and tabs (servers usually strip them already). */
    public static int trimmedEnd(String value) {
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return end;
    }

    /** b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
    public static boolean isToken(CharSequence text, int from, int to) {
        if (from >= to) {
            return false;
        }
        int i = from;
        while (i < to && isTokenChar(text.charAt(i))) {
            i++;
        }
        if (i == from) {
            return false;
        }
        while (i < to && text.charAt(i) == '=') {
            i++;
        }
        return i == to;
    }

    private static boolean isTokenChar(char c) {
        return c < 128 && TOKEN_CHARS[c];
    }

    /** A table, not a chain of comparisons: a JWT is hundreds of characters, checked on every request. */
    private static final boolean[] TOKEN_CHARS = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            TOKEN_CHARS[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
        }
    }


}
