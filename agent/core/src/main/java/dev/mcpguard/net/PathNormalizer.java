package dev.mcpguard.net;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a raw request path into the one form every gate matches against, or refuses it.
 *
 * <p>Servers disagree on how they decode and resolve paths; a gate that matches a different
 * string than the one the application routes on can be bypassed. So anything whose meaning
 * differs between servers or routers is refused rather than guessed: raw {@code \} and
 * {@code #}, control characters, encoded {@code / \ . ;}, malformed escapes, invalid UTF-8
 * (overlong forms included) and every {@code .} or {@code ..} segment (Tomcat resolves them;
 * Spring MVC patterns, Undertow's {@code PathHandler}, Reactor Netty routes and the JDK server's
 * contexts match them literally). What remains is decoded, stripped of {@code ;} parameters and
 * collapsed.
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    /**
     * @param rawPath the request-target path, percent-escapes intact; anything from {@code ?} on
     *                is ignored. Non-ASCII characters are taken as already decoded text.
     * @return the normalized path (starting with {@code /}, no trailing {@code /} except the
     *         root), {@code "*"} for the asterisk form, or {@code null} when it must be refused
     */
    public static String normalize(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        int end = endOfPath(rawPath);
        if (end == 1 && rawPath.charAt(0) == '*') {
            return "*";
        }
        if (end == 0 || rawPath.charAt(0) != '/') {
            return null;
        }
        if (isAlreadyNormal(rawPath, end)) {
            return end == rawPath.length() ? rawPath : rawPath.substring(0, end);
        }
        String decoded = decode(rawPath, end);
        return decoded == null ? null : collapse(decoded);
    }

    /**
     * The path ends at the query. A {@code #} before it is part of the path (and refused): a
     * client never sends a fragment, and servers disagree on whether one ends the path.
     */
    public static int endOfPath(String rawPath) {
        int query = rawPath.indexOf('?');
        return query < 0 ? rawPath.length() : query;
    }

    /**
     * Whether a raw path (its query ignored) is already in the one form no reading can differ on:
     * plain ASCII, no percent-escapes, no {@code ;} parameters, no empty or dot segments, no
     * trailing {@code /}. Exemptions apply only to such paths.
     */
    public static boolean isNormal(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return false;
        }
        int end = endOfPath(rawPath);
        int segmentStart = 1;
        for (int i = 1; i <= end; i++) {
            char c = i < end ? rawPath.charAt(i) : '/';
            if (c == '/') {
                int length = i - segmentStart;
                if (length == 0 && end > 1
                        || length == 1 && rawPath.charAt(segmentStart) == '.'
                        || length == 2 && rawPath.startsWith("..", segmentStart)) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (c <= 0x20 || c >= 0x7f || c == '%' || c == ';' || c == '\\' || c == '#') {
                return false;
            }
        }
        return true;
    }

    /** The allocation-free common case: plain ASCII, no escapes, parameters or dot segments. */
    private static boolean isAlreadyNormal(String path, int end) {
        char previous = 0;
        for (int i = 0; i < end; i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '%' || c == ';' || c == '\\' || c == '#') {
                return false;
            }
            if (previous == '/' && (c == '/' || c == '.')) {
                return false;
            }
            previous = c;
        }
        return end == 1 || previous != '/';
    }

    private static String decode(String path, int end) {
        ByteBuffer bytes = ByteBuffer.allocate(end * 3);
        for (int i = 0; i < end; i++) {
            char c = path.charAt(i);
            if (c == '\\' || c == '#' || c < 0x20 || c == 0x7f) {
                return null;
            }
            if (c == '%') {
                if (i + 2 >= end) {
                    return null;
                }
                int high = Ascii.hexDigit(path.charAt(i + 1));
                int low = Ascii.hexDigit(path.charAt(i + 2));
                if (high < 0 || low < 0) {
                    return null;
                }
                int b = high << 4 | low;
                if (b < 0x20 || b == 0x7f || b == '/' || b == '\\' || b == '.' || b == ';') {
                    return null;
                }
                bytes.put((byte) b);
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                if (c == '\ufffd' || Character.isSurrogate(c) && !validSurrogatePair(path, i, end)) {
                    return null;
                }
                int codePoint = path.codePointAt(i);
                putUtf8(bytes, codePoint);
                i += Character.charCount(codePoint) - 1;
            }
        }
        bytes.flip();
        try {
            CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' || c < 0x20 || c == 0x7f || c == '\ufffd') {
                    return null;
                }
            }
            return text.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** By hand: a path may hold a megabyte of non-ASCII text, and a String per character would be garbage. */
    private static void putUtf8(ByteBuffer bytes, int codePoint) {
        if (codePoint < 0x800) {
            bytes.put((byte) (0xc0 | codePoint >> 6));
        } else {
            if (codePoint < 0x10000) {
                bytes.put((byte) (0xe0 | codePoint >> 12));
            } else {
                bytes.put((byte) (0xf0 | codePoint >> 18));
                bytes.put((byte) (0x80 | codePoint >> 12 & 0x3f));
            }
            bytes.put((byte) (0x80 | codePoint >> 6 & 0x3f));
        }
        bytes.put((byte) (0x80 | codePoint & 0x3f));
    }

    private static boolean validSurrogatePair(String path, int i, int end) {
        return Character.isHighSurrogate(path.charAt(i)) && i + 1 < end
                && Character.isLowSurrogate(path.charAt(i + 1));
    }

    private static String collapse(String decoded) {
        List<String> segments = new ArrayList<>();
        int start = 1;
        while (start <= decoded.length()) {
            int slash = decoded.indexOf('/', start);
            if (slash < 0) {
                slash = decoded.length();
            }
            String segment = decoded.substring(start, slash);
            int parameters = segment.indexOf(';');
            if (parameters >= 0) {
                segment = segment.substring(0, parameters);
            }
            if (segment.equals(".") || segment.equals("..")) {
                return null;
            }
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
            start = slash + 1;
        }
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder(decoded.length());
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        return out.toString();
    }
}
