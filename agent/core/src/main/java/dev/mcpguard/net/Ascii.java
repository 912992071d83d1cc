package dev.mcpguard.net;

/** ASCII-only character classes: {@link Character#digit} also accepts non-ASCII digits. */
public final class Ascii {

    private Ascii() {
    }

    /** An ASCII hex digit's value, else -1. */
    public static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
    }

    /** An RFC 9110 {@code tchar}: what a header field name is made of. */
    public static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
