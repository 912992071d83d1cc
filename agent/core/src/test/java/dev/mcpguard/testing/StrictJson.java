package dev.mcpguard.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader for tests of what the agent writes (decision lines, the report's JSON):
 * no insignificant whitespace, no raw control characters in strings, no duplicate members, no
 * trailing text, so that a test that parses output also checks its escaping.
 */
public final class StrictJson {
    private final String text;
    private int at;

    private StrictJson(String text) {
        this.text = text;
    }

    /** @return maps (in member order), lists, strings, longs, booleans and nulls */
    public static Object parse(String text) {
        StrictJson parser = new StrictJson(text);
        Object value = parser.value();
        if (parser.at != text.length()) {
            throw parser.error("trailing text");
        }
        return value;
    }

    /** One flat object, as a decision line is: members are strings, integers or null. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseFlatObject(String text) {
        if (!(parse(text) instanceof Map<?, ?> object)) {
            throw new IllegalArgumentException("not an object: " + text);
        }
        for (Object value : object.values()) {
            if (value != null && !(value instanceof String) && !(value instanceof Long)) {
                throw new IllegalArgumentException("not flat: " + text);
            }
        }
        return (Map<String, Object>) object;
    }

    /** Decodes one JSON string literal, quotes included. */
    public static String parseString(String literal) {
        StrictJson parser = new StrictJson(literal);
        String value = parser.string();
        if (parser.at != literal.length()) {
            throw parser.error("trailing text");
        }
        return value;
    }

    private Object value() {
        char c = peek();
        if (c == '{') {
            return object();
        }
        if (c == '[') {
            return array();
        }
        if (c == '"') {
            return string();
        }
        for (String literal : new String[] {"null", "true", "false"}) {
            if (text.startsWith(literal, at)) {
                at += literal.length();
                return literal.equals("null") ? null : Boolean.valueOf(literal);
            }
        }
        int start = at;
        if (peek() == '-') {
            at++;
        }
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        if (at == start) {
            throw error("value expected");
        }
        return Long.parseLong(text.substring(start, at));
    }

    private Map<String, Object> object() {
        Map<String, Object> members = new LinkedHashMap<>();
        expect('{');
        if (!accept('}')) {
            do {
                String name = string();
                expect(':');
                if (members.containsKey(name)) {
                    throw error("duplicate member " + name);
                }
                members.put(name, value());
            } while (accept(','));
            expect('}');
        }
        return members;
    }

    private List<Object> array() {
        List<Object> elements = new ArrayList<>();
        expect('[');
        if (!accept(']')) {
            do {
                elements.add(value());
            } while (accept(','));
            expect(']');
        }
        return elements;
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
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
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
