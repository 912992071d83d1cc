package dev.mcpguard.cli;

import java.util.HashMap;
import java.util.Map;

/**
 * Recognizes the decision lines that {@code DecisionLog} writes, JSON or text, among everything
 * else on the agent's stderr. Tolerant in what it skips (whitespace, fields it does not know,
 * numbers and literals it does not need) but it never guesses: a line that does not parse
 * completely is not a decision, so a half-written or garbled line is counted as other output.
 */
final class DecisionLineParser {
    private static final String JSON_START = "{\"@timestamp\"";
    private static final String TEXT_START = "@timestamp=";
    private static final String[] LITERALS = {"null", "true", "false"};

    private final String line;
    private int at;

    private DecisionLineParser(String line) {
        this.line = line;
    }

    /** @return the decision, or {@code null} when the line is not a well-formed decision line */
    static DecisionLine parse(String line) {
        try {
            Map<String, String> fields;
            if (line.startsWith(JSON_START)) {
                fields = new DecisionLineParser(line).jsonObject();
            } else if (line.startsWith(TEXT_START)) {
                fields = new DecisionLineParser(line).textFields();
            } else {
                return null;
            }
            return decision(fields);
        } catch (Malformed e) {
            return null;
        }
    }

    private static DecisionLine decision(Map<String, String> fields) {
        DecisionLine decision = new DecisionLine(fields.get("event.action"), fields.get("mcpguard.gate"),
                fields.get("mcpguard.reason"), fields.get("url.path"), fields.get("client.address"));
        if (decision.action() == null || decision.refusal() && (decision.gate() == null || decision.reason() == null)) {
            throw new Malformed();
        }
        return decision;
    }

    private Map<String, String> jsonObject() {
        Map<String, String> fields = new HashMap<>();
        expect('{');
        skipSpaces();
        if (!accept('}')) {
            do {
                skipSpaces();
                String name = string();
                skipSpaces();
                expect(':');
                skipSpaces();
                put(fields, name, jsonValue());
                skipSpaces();
            } while (accept(','));
            expect('}');
        }
        skipSpaces();
        if (at != line.length()) {
            throw new Malformed();
        }
        return fields;
    }

    /** Strings and null as such; numbers, true and false as their text, which is all the report needs. */
    private String jsonValue() {
        if (peek() == '"') {
            return string();
        }
        for (String literal : LITERALS) {
            if (line.startsWith(literal, at)) {
                at += literal.length();
                return literal.equals("null") ? null : literal;
            }
        }
        int start = at;
        while (at < line.length() && "-+.eE0123456789".indexOf(line.charAt(at)) >= 0) {
            at++;
        }
        if (at == start) {
            throw new Malformed();
        }
        return line.substring(start, at);
    }

    /** {@code name=value} pairs separated by spaces; a quoted value is a JSON string, {@code -} is null. */
    private Map<String, String> textFields() {
        Map<String, String> fields = new HashMap<>();
        skipSpaces();
        while (at < line.length()) {
            int equals = line.indexOf('=', at);
            if (equals <= at) {
                throw new Malformed();
            }
            String name = line.substring(at, equals);
            if (name.indexOf(' ') >= 0 || name.indexOf('"') >= 0) {
                throw new Malformed();
            }
            at = equals + 1;
            String value;
            if (at < line.length() && line.charAt(at) == '"') {
                value = string();
                if (at < line.length() && line.charAt(at) != ' ') {
                    throw new Malformed();
                }
            } else {
                int end = line.indexOf(' ', at);
                end = end < 0 ? line.length() : end;
                value = line.substring(at, end);
                at = end;
                if (value.isEmpty()) {
                    throw new Malformed();
                }
            }
            put(fields, name, value.equals("-") ? null : value);
            skipSpaces();
        }
        return fields;
    }

    /** A repeated name means two lines ran together or the line was tampered with: not a decision. */
    private static void put(Map<String, String> fields, String name, String value) {
        if (fields.containsKey(name)) {
            throw new Malformed();
        }
        fields.put(name, value);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = next();
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(hex4());
                default -> throw new Malformed();
            }
        }
    }

    private char hex4() {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(next(), 16);
            if (digit < 0) {
                throw new Malformed();
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private char next() {
        if (at >= line.length()) {
            throw new Malformed();
        }
        return line.charAt(at++);
    }

    private char peek() {
        if (at >= line.length()) {
            throw new Malformed();
        }
        return line.charAt(at);
    }

    private boolean accept(char c) {
        if (at < line.length() && line.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw new Malformed();
        }
    }

    private void skipSpaces() {
        while (at < line.length() && line.charAt(at) == ' ') {
            at++;
        }
    }

    /** Control flow out of a line that does not parse; no stack trace, it is not an error. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed() {
            super(null, null, false, false);
        }
    }
}
