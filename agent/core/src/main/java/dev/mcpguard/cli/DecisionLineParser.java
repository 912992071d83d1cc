package dev.mcpguard.cli;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Recognizes the decision lines that {@code DecisionLog} writes, JSON or text, among everything
 * else on the agent's stderr. Tolerant in what it skips (whitespace, fields it does not know,
 * numbers and literals it does not need) but it never guesses: a line that does not parse
 * completely is not a decision, so a half-written or garbled line is counted as other output.
 *
 * <p>It reads a line once, character by character, and keeps only the values the report needs,
 * each cut to {@link #MAX_VALUE_CHARS}: an attacker chooses the path, and a path megabytes long
 * must be counted in its row like any other, without the line ever being held whole.
 */
final class DecisionLineParser {
    /** How much of a value is kept; a longer one is kept as its start and {@link #cutMark the count of the rest}. */
    static final int MAX_VALUE_CHARS = 8 * 1024;
    /** {@code DecisionLog} writes a dozen short field names; a line with longer or more is not one of its. */
    private static final int MAX_NAME_CHARS = 64;
    private static final int MAX_FIELDS = 64;
    private static final String TIMESTAMP = "@timestamp";
    private static final Set<String> KEPT = Set.of("event.action", "mcpguard.gate", "mcpguard.reason", "url.path",
            "client.address");
    private static final String[] LITERALS = {"null", "true", "false"};

    /** The characters of one line. */
    interface Chars {
        /** @return the next character, {@code -1} at the end of the line */
        int read() throws IOException;
    }

    private final Chars in;
    private final Map<String, String> kept = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    /** The current character, {@code -1} at the end of the line. */
    private int c;

    private DecisionLineParser(Chars in) throws IOException {
        this.in = in;
        this.c = in.read();
    }

    /**
     * Reads the line until it is known not to be a decision, or to its end; the caller skips the rest.
     *
     * @return the decision, or {@code null} when the line is not a well-formed decision line
     */
    static DecisionLine parse(Chars line) throws IOException {
        DecisionLineParser parser = new DecisionLineParser(line);
        try {
            if (parser.c == '{') {
                parser.jsonObject();
            } else if (parser.c == '@') {
                parser.textFields();
            } else {
                return null;
            }
            return parser.decision();
        } catch (Malformed e) {
            return null;
        }
    }

    /** How a value cut to {@link #MAX_VALUE_CHARS} ends. */
    static String cutMark(long dropped) {
        return "\u2026(+" + dropped + " chars)";
    }

    private DecisionLine decision() {
        DecisionLine decision = new DecisionLine(kept.get("event.action"), kept.get("mcpguard.gate"),
                kept.get("mcpguard.reason"), kept.get("url.path"), kept.get("client.address"));
        if (decision.action() == null || decision.refusal() && (decision.gate() == null || decision.reason() == null)) {
            throw new Malformed();
        }
        return decision;
    }

    /** A JSON object whose first member is {@code "@timestamp"}, straight after the brace, and nothing after it but spaces. */
    private void jsonObject() throws IOException {
        expect('{');
        boolean first = true;
        do {
            if (!first) {
                skipSpaces();
            }
            String name = name(jsonString(MAX_NAME_CHARS));
            if (first && !name.equals(TIMESTAMP)) {
                throw new Malformed();
            }
            first = false;
            skipSpaces();
            expect(':');
            skipSpaces();
            put(name, jsonValue(KEPT.contains(name)));
            skipSpaces();
        } while (accept(','));
        expect('}');
        skipSpaces();
        if (c != -1) {
            throw new Malformed();
        }
    }

    /** Strings and null as such; numbers, true and false as their text, which is all the report needs. */
    private String jsonValue(boolean keep) throws IOException {
        if (c == '"') {
            return jsonString(keep ? MAX_VALUE_CHARS : 0).toString();
        }
        for (String literal : LITERALS) {
            if (c == literal.charAt(0)) {
                for (int i = 0; i < literal.length(); i++) {
                    expect(literal.charAt(i));
                }
                return literal.equals("null") ? null : literal;
            }
        }
        Value number = new Value(keep ? MAX_VALUE_CHARS : 0);
        while (c >= 0 && "-+.eE0123456789".indexOf(c) >= 0) {
            number.append((char) c);
            advance();
        }
        if (number.length == 0) {
            throw new Malformed();
        }
        return number.toString();
    }

    /**
     * {@code name=value} pairs separated by spaces, the first one {@code @timestamp}; a quoted value
     * is a JSON string, {@code -} is null.
     */
    private void textFields() throws IOException {
        boolean first = true;
        while (c != -1) {
            Value rawName = new Value(MAX_NAME_CHARS);
            while (c != '=') {
                if (c == -1 || c == ' ' || c == '"') {
                    throw new Malformed();
                }
                rawName.append((char) c);
                advance();
            }
            String name = name(rawName);
            if (name.isEmpty() || first && !name.equals(TIMESTAMP)) {
                throw new Malformed();
            }
            first = false;
            advance();
            int limit = KEPT.contains(name) ? MAX_VALUE_CHARS : 0;
            String value;
            if (c == '"') {
                value = jsonString(limit).toString();
                if (c != -1 && c != ' ') {
                    throw new Malformed();
                }
            } else {
                Value plain = new Value(limit);
                boolean dash = c == '-';
                while (c != -1 && c != ' ') {
                    plain.append((char) c);
                    advance();
                }
                if (plain.length == 0) {
                    throw new Malformed();
                }
                value = dash && plain.length == 1 ? null : plain.toString();
            }
            put(name, value);
            skipSpaces();
        }
    }

    /** A field name as {@code DecisionLog} writes them: short, so a longer one means this is no decision line. */
    private static String name(Value name) {
        if (name.length > MAX_NAME_CHARS) {
            throw new Malformed();
        }
        return name.toString();
    }

    /** A repeated name means two lines ran together or the line was tampered with: not a decision. */
    private void put(String name, String value) {
        if (!names.add(name) || names.size() > MAX_FIELDS) {
            throw new Malformed();
        }
        if (KEPT.contains(name)) {
            kept.put(name, value);
        }
    }

    /** @param limit how many characters to keep, 0 to only check the string's syntax */
    private Value jsonString(int limit) throws IOException {
        expect('"');
        Value out = new Value(limit);
        while (true) {
            int ch = next();
            if (ch == '"') {
                return out;
            }
            if (ch != '\\') {
                out.append((char) ch);
                continue;
            }
            int escaped = next();
            switch (escaped) {
                case '"', '\\', '/' -> out.append((char) escaped);
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

    private char hex4() throws IOException {
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

    /** @return the current character, moving past it; the end of the line is malformed here */
    private int next() throws IOException {
        if (c == -1) {
            throw new Malformed();
        }
        int current = c;
        advance();
        return current;
    }

    private void advance() throws IOException {
        c = in.read();
    }

    private boolean accept(char expected) throws IOException {
        if (c == expected) {
            advance();
            return true;
        }
        return false;
    }

    private void expect(char expected) throws IOException {
        if (!accept(expected)) {
            throw new Malformed();
        }
    }

    private void skipSpaces() throws IOException {
        while (c == ' ') {
            advance();
        }
    }

    /** The first {@code limit} characters of a value and the count of all of them. */
    private static final class Value {
        private final StringBuilder start = new StringBuilder();
        private final int limit;
        long length;

        Value(int limit) {
            this.limit = limit;
        }

        void append(char ch) {
            if (length++ < limit) {
                start.append(ch);
            }
        }

        @Override
        public String toString() {
            return length <= limit ? start.toString() : start + cutMark(length - limit);
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
