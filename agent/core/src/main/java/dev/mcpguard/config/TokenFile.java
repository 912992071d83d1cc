package dev.mcpguard.config;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.Principal;
import dev.mcpguard.net.BearerCredentials;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code MCPGUARD_TOKEN_FILE} holds (design §9): one token a line, optionally followed by
 * whitespace-separated attributes in any order, each at most once:
 * {@code <token> [name=<label>] [expires=<YYYY-MM-DD or RFC 3339 instant>] [scopes=<s1>,<s2>] [rate=<n>/<s|min|h>]}.
 * Blank and {@code #} lines are ignored, CR and surrounding whitespace trimmed. An error names the
 * line and what is wrong in it, never any text of the file: a misplaced token would be echoed.
 *
 * <p>A date-only {@code expires=} keeps the token valid through that day, UTC: it is refused from
 * the next day's 00:00Z. An operator who writes {@code expires=2026-12-31} means the 31st is the
 * last day it works, as on a payment card.
 */
public final class TokenFile {
    private static final long DAY_MILLIS = 86_400_000L;
    private static final int MAX_RATE_DIGITS = 9;
    private static final List<String> KEYS = List.of("name", "expires", "scopes", "rate");
    private static final String ATTRIBUTES = "name=, expires=, scopes=, rate=";

    private TokenFile() {
    }

    /** A line the file cannot be used with: its number and what is wrong, never its text. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String problem) {
            super(problem, null, false, false);
        }

        static Malformed at(int line, String problem) {
            return new Malformed("line " + line + ": " + problem);
        }
    }

    /** One token line. Equal entries accept the same token for the same principal, wherever they stand in the file. */
    public static final class Entry {
        private final String token;
        private final int line;
        private final String name;
        private final String expires;
        private final long expiresAtMillis;
        private final List<String> scopes;
        private final String rate;

        Entry(String token, int line, String name, String expires, long expiresAtMillis, List<String> scopes,
              String rate) {
            this.token = token;
            this.line = line;
            this.name = name;
            this.expires = expires;
            this.expiresAtMillis = expiresAtMillis;
            this.scopes = scopes;
            this.rate = rate;
        }

        /** The line number in the file, 1 for the first. */
        public int line() {
            return line;
        }

        /**
         * The entry as the AUTH gate holds it: the token's digest and its principal, named by
         * {@code name=} or else by the digest. Digests are taken here, when the tokens are used
         * ({@link Parser.Tokens} says why not earlier).
         */
        public AcceptedTokens.Entry accepted() {
            byte[] digest = AcceptedTokens.sha256(token);
            Principal principal = new Principal(principalName(digest), scopes, expiresAtMillis, rate);
            return new AcceptedTokens.Entry(digest, principal);
        }

        private String principalName(byte[] digest) {
            return name != null ? name : Principal.nameOfDigest(digest);
        }

        /** {@code name=}, else {@code token:<8 hex digits>}: what decision lines call this entry. */
        public String principalName() {
            return principalName(AcceptedTokens.sha256(token));
        }

        /** The scopes granted, as written. */
        public List<String> scopes() {
            return scopes;
        }

        /** Epoch milliseconds from which the token is refused, or {@link Principal#NEVER}. */
        public long expiresAtMillis() {
            return expiresAtMillis;
        }

        /**
         * For {@code check} and the banner: line, name, expiry, scopes and rate, never the token.
         * A date's expiry says the instant it means.
         */
        public String describe() {
            StringBuilder text = new StringBuilder("token file line ").append(line).append(": name=")
                    .append(principalName()).append(" expires=");
            if (expires == null) {
                text.append("never");
            } else if (isDate(expires)) {
                text.append(expires).append(" (valid through that day, UTC: refused from ")
                        .append(Instant.ofEpochMilli(expiresAtMillis)).append(')');
            } else {
                text.append(Instant.ofEpochMilli(expiresAtMillis));
            }
            return text.append(" scopes=").append(scopes.isEmpty() ? "none" : String.join(",", scopes))
                    .append(" rate=").append(rate == null ? "none" : rate).toString();
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Entry)) {
                return false;
            }
            Entry that = (Entry) other;
            return token.equals(that.token) && Objects.equals(name, that.name)
                    && expiresAtMillis == that.expiresAtMillis && scopes.equals(that.scopes)
                    && Objects.equals(rate, that.rate);
        }

        @Override
        public int hashCode() {
            return token.hashCode();
        }

        /** Never the token. */
        @Override
        public String toString() {
            return describe();
        }
    }

    /**
     * @return the entries, in file order; empty for a file without token lines
     * @throws IOException when the file is missing or cannot be read
     * @throws Malformed   when a line is not a token line, or the file is not UTF-8
     */
    public static List<Entry> read(Path file) throws IOException, Malformed {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the file is not UTF-8 text");
        }
        return parse(text);
    }

    /** The entries of a file's text. */
    static List<Entry> parse(String text) throws Malformed {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> lineOfToken = new HashMap<>();
        int number = 0;
        int start = 0;
        while (start < text.length()) {
            // a line ends at \n, \r or \r\n, as Files.readAllLines has it; no String.lines(): streams cost start-up
            int end = start;
            while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
                end++;
            }
            number++;
            String line = text.substring(start, end).strip();
            start = end + (text.startsWith("\r\n", end) ? 2 : 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Entry entry = entry(line, number);
            Integer earlier = lineOfToken.putIfAbsent(entry.token, entry.line);
            if (earlier != null) {
                throw Malformed.at(entry.line, "the same token as line " + earlier);
            }
            entries.add(entry);
        }
        return Collections.unmodifiableList(entries);
    }

    private static Entry entry(String line, int number) throws Malformed {
        List<String> words = words(line);
        String token = words.get(0);
        if (!BearerCredentials.isToken(token, 0, token.length())) {
            throw Malformed.at(number, "the token is not an RFC 6750 b64token (letters, digits, -._~+/, then = only)");
        }
        String name = null;
        String expires = null;
        long expiresAtMillis = Principal.NEVER;
        List<String> scopes = List.of();
        String rate = null;
        List<String> seen = new ArrayList<>(4);
        for (String word : words.subList(1, words.size())) {
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw Malformed.at(number, "a word after the token that is no attribute (one token a line, then "
                        + ATTRIBUTES + ")");
            }
            String key = word.substring(0, equals);
            String value = word.substring(equals + 1);
            if (!KEYS.contains(key)) {
                throw Malformed.at(number, "an unknown attribute (allowed: " + ATTRIBUTES + ")");
            }
            if (seen.contains(key)) {
                throw Malformed.at(number, key + "= given twice");
            }
            seen.add(key);
            switch (key) {
                case "name":
                    if (!printableWithoutSpace(value)) {
                        throw Malformed.at(number, "name= needs a label of printable ASCII without spaces");
                    }
                    if (value.startsWith("token:")) {
                        // what unnamed tokens are called: a name must not pass for another entry's digest
                        throw Malformed.at(number, "name= may not start with token: (the names of unnamed tokens)");
                    }
                    name = value;
                    break;
                case "expires":
                    expiresAtMillis = expiresAt(value);
                    if (expiresAtMillis == Long.MIN_VALUE) {
                        throw Malformed.at(number, "expires= needs a date YYYY-MM-DD (valid through that day, UTC) "
                                + "or an RFC 3339 instant such as 2026-12-31T18:00:00Z");
                    }
                    expires = value;
                    break;
                case "scopes":
                    scopes = scopes(value);
                    if (scopes == null) {
                        throw Malformed.at(number, "scopes= needs comma-separated OAuth scope names (printable ASCII, "
                                + "no '\"' or '\\')");
                    }
                    break;
                default:
                    if (!isRate(value)) {
                        throw Malformed.at(number, "rate= needs <n>/s, <n>/min or <n>/h with n a positive integer");
                    }
                    rate = value;
                    break;
            }
        }
        return new Entry(token, number, name, expires, expiresAtMillis, scopes, rate);
    }

    /** Split on spaces and tabs; the line is stripped and not empty, so there is at least one word. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= line.length(); i++) {
            boolean space = i == line.length() || line.charAt(i) == ' ' || line.charAt(i) == '\t';
            if (space && start >= 0) {
                words.add(line.substring(start, i));
                start = -1;
            } else if (!space && start < 0) {
                start = i;
            }
        }
        return words;
    }

    private static boolean printableWithoutSpace(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x21 || text.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDate(String value) {
        return value.length() == 10;
    }

    /** Epoch milliseconds from which the token is refused, or {@link Long#MIN_VALUE} for an invalid value. */
    private static long expiresAt(String value) {
        try {
            if (isDate(value)) {
                return LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE).plusDays(1).toEpochDay() * DAY_MILLIS;
            }
            // RFC 3339 allows a lower-case t and z
            return OffsetDateTime.parse(value.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant().toEpochMilli();
        } catch (RuntimeException e) { // DateTimeParseException, or an instant beyond epoch milliseconds
            return Long.MIN_VALUE;
        }
    }

    private static List<String> scopes(String value) {
        List<String> scopes;
        try {
            scopes = Parser.nonEmptyList(value);
        } catch (IllegalArgumentException empty) {
            return null;
        }
        if (scopes == null) {
            return null;
        }
        for (String scope : scopes) {
            if (!Parser.isScope(scope)) {
                return null;
            }
        }
        return Collections.unmodifiableList(scopes);
    }

    /** {@code <n>/s}, {@code <n>/min} or {@code <n>/h}, n from 1 to 999999999 in ASCII digits. */
    static boolean isRate(String value) {
        int slash = value.indexOf('/');
        if (slash <= 0 || slash > MAX_RATE_DIGITS) {
            return false;
        }
        boolean positive = false;
        for (int i = 0; i < slash; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            positive |= c != '0';
        }
        String unit = value.substring(slash + 1);
        return positive && (unit.equals("s") || unit.equals("min") || unit.equals("h"));
    }
}
