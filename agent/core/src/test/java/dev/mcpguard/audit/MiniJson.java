package dev.mcpguard.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict parser for the one shape the decision log writes: a flat JSON object whose values are
 * strings, integers or {@code null}, without insignificant whitespace. Anything else, including
 * a raw control character inside a string, is rejected.
 */
final class MiniJson {
    private final String text;
    private int at;

    private MiniJson(String text) {
        this.text = text;
    }

    /** @return the members in document order */
    static Map<String, Object> parseFlatObject(String text) {
        MiniJson parser = new MiniJson(text);
        Map<String, Object> members = new LinkedHashMap<>();
        parser.expect('{');
        if (parser.peek() != '}') {
            do {
                String name = parser.string();
                parser.expect(':');
                if (members.containsKey(name)) {
                    throw parser.error("duplicate member " + name);
                }
                members.put(name, parser.value());
            } while (parser.accept(','));
        }
        parser.expect('}');
        if (parser.at != text.length()) {
            throw parser.error("trailing text");
        }
        return members;
    }

    /** Decodes one JSON string literal, quotes included. */
    static String parseString(String literal) {
        MiniJson parser = new MiniJson(literal);
        String value = parser.string();
        if (parser.at != literal.length()) {
            throw parser.error("trailing text");
        }
        return value;
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (text.startsWith("null", at)) {
            at += 4;
            return null;
        }
        int start = at;
        accept('-');
        while (at < text.length() && Character.isDigit(text.charAt(at)) && text.charAt(at) < 0x80) {
            at++;
        }
        if (at == start || text.charAt(at - 1) == '-') {
            throw error("value expected");
        }
        return Long.parseLong(text.substring(start, at));
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("raw control character");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length() || !text.substring(at, at + 4).matches("[0-9a-fA-F]{4}")) {
                        throw error("bad \\u escape");
                    }
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw error("bad escape \\" + e);
            }
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(at);
    }

    private boolean accept(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw error("'" + c + "' expected");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at " + at + " in " + text);
    }
}
