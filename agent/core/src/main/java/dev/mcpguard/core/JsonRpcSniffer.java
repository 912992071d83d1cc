package dev.mcpguard.core;

import java.nio.ByteBuffer;

/**
 * Reads a request body as an MCP server's JSON parser reads it, while the application reads it,
 * and hands each JSON-RPC message's {@code method} and {@code params.name} to a {@link Messages}.
 * The MCP gate learns from it which tool a {@code tools/call} calls without keeping a second copy
 * of the body: the bytes pass through {@link #feed} once and are not retained.
 *
 * <p>What two parsers could read two ways is {@link #MALFORMED}, never guessed at: strict RFC 8259
 * JSON in UTF-8 (a leading UTF-8 byte order mark skipped, as Jackson does; a body that looks like
 * UTF-16 or UTF-32, which Jackson would decode, refused), keys compared after unescaping,
 * a duplicate of a message's {@code jsonrpc}, {@code id}, {@code method}, {@code params} or of
 * {@code params.name} (Jackson keeps the last, others the first), anything after the top-level
 * value, nesting deeper than {@value #MAX_DEPTH}, a captured value longer than
 * {@value #MAX_CAPTURE} chars.
 *
 * <p>Memory is fixed by design: the nesting stack is {@value #MAX_DEPTH} bits, a key is kept only
 * as far as the longest key of interest, a captured value at most {@value #MAX_CAPTURE} chars, a
 * direct buffer is read through a {@value #SCRATCH}-byte window; nothing grows with the body.
 * Strings are made only for captured values, when their message ends. A feed may end anywhere:
 * inside a UTF-8 sequence, an escape, a number, a literal or a key.
 *
 * <p>Not thread-safe: one sniffer reads one body, whose reads a server makes one after another.
 */
public final class JsonRpcSniffer {

    /** What the sniffer hands each JSON-RPC message once its closing brace is read. */
    public interface Messages {
        /**
         * @param method the message's top-level "method" value when it is a JSON string (escapes
         *               decoded), else null (absent, or a number/object/...)
         * @param name   "name" of the message's "params" when params is an object and name a JSON
         *               string, else null
         * @return true to read on; false to stop: feed() then returns REFUSED
         */
        boolean message(String method, String name);
    }

    /** All consumed, nothing decided yet (or the body is fine so far). */
    public static final int MORE = 0;
    /** {@link Messages#message} returned false in this or an earlier feed. */
    public static final int REFUSED = 1;
    /** JSON that a server could read differently than the sniffer, or not at all. */
    public static final int MALFORMED = 2;
    /** The body does not start like a JSON object or array (an upload, a form): stop feeding. */
    public static final int NOT_JSON = 3;
    /** The top-level value ended (whitespace may still follow). */
    public static final int COMPLETE = 4;

    /**
     * Jackson 2's default nesting limit. Jackson 3's is 500: a body nested between the two is read
     * here and refused by a server on Jackson 3, which is no way past the gate.
     */
    static final int MAX_DEPTH = 1000;
    /** MCP method and tool names are short; a longer one would widen the window for nothing. */
    static final int MAX_CAPTURE = 1024;
    static final int SCRATCH = 256;

    // where the reader is between tokens
    private static final int INIT = 0;           // no byte read
    private static final int HEAD_FE_FF = 1;     // first byte FE or FF: a UTF-16 BOM if its mate follows
    private static final int BOM_1 = 2;          // EF read
    private static final int BOM_2 = 3;          // EF BB read
    private static final int BEFORE = 4;         // the top-level value not begun, no BOM allowed any more
    private static final int VALUE = 5;          // after ':', or ',' in an array
    private static final int VALUE_OR_CLOSE = 6; // after '['
    private static final int KEY = 7;            // after ',' in an object
    private static final int KEY_OR_CLOSE = 8;   // after '{'
    private static final int COLON = 9;
    private static final int AFTER_VALUE = 10;
    private static final int STRING = 11;
    private static final int NUMBER = 12;
    private static final int LITERAL = 13;
    private static final int END = 14;           // the top-level value ended

    // where a number is: which bytes may come next, and whether it may end here
    private static final int N_MINUS = 0;   // '-': a digit must follow
    private static final int N_ZERO = 1;    // a leading 0: '.', 'e' or the end
    private static final int N_INT = 2;
    private static final int N_DOT = 3;     // a digit must follow
    private static final int N_FRAC = 4;
    private static final int N_E = 5;       // a sign or a digit must follow
    private static final int N_E_SIGN = 6;  // a digit must follow
    private static final int N_EXP = 7;

    // where the characters of the current string go
    private static final int SKIP = 0;
    private static final int TO_KEY = 1;
    private static final int TO_METHOD = 2;
    private static final int TO_NAME = 3;

    // the keys whose duplicates are MALFORMED, as bits of seen; also what the next value is
    private static final int K_JSONRPC = 1;
    private static final int K_ID = 2;
    private static final int K_METHOD = 4;
    private static final int K_PARAMS = 8;
    private static final int K_NAME = 16;

    /** The longest key of interest ("jsonrpc"); longer keys are not kept, only counted past it. */
    private static final int KEY_CAP = 7;

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /** Bytes a string's contents may hold that need no look: printable ASCII but '"' and '\'. */
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int b = 0x20; b < 0x80; b++) {
            PLAIN[b] = b != '"' && b != '\\';
        }
    }

    private final Messages messages;
    private int result = MORE;
    private int state = INIT;
    private int firstByte;

    /**
     * Bit d set: the container at depth d + 1 is an object. The first 64 levels are a field; the
     * rest, which only a body nested deeper needs, an array made for it.
     */
    private long shallow;
    private long[] deep;
    private int depth;

    private boolean stringIsKey;
    private int sink;
    /** 0: no escape; 1: after '\'; 2..5: that many minus 2 hex digits of a {@code \}u read. */
    private int escape;
    private int unit;
    /** A key's {@code \}u high surrogate awaits its low half, which must be the next escape. */
    private boolean highPending;
    private int utfLeft;
    private int utfLow;
    private int utfHigh;
    private int codePoint;

    private int number;
    private byte[] literal;
    private int literalAt;

    private final char[] key = new char[KEY_CAP];
    private int keyLength;

    /** Depth of the message being read (0: none), and of its params object while inside it. */
    private int messageDepth;
    private int paramsDepth;
    private int seen;
    /** Which key of interest the next value belongs to (K_*), 0 for any other. */
    private int role;
    private char[] method;
    private int methodLength;
    private char[] name;
    private int nameLength;

    private byte[] scratch;

    public JsonRpcSniffer(Messages messages) {
        this.messages = messages;
    }

    /** Reads {@code bytes[offset, offset + length)}. */
    public int feed(byte[] bytes, int offset, int length) {
        int at = offset;
        int end = offset + length;
        while (at < end && reading()) {
            if (state == STRING && escape == 0 && utfLeft == 0 && !highPending) {
                // most of a tools/call body is argument text: skip it without a look per state;
                // keys and captured values are short, but every message has a few
                at = sink == SKIP ? skip(bytes, at, end) : keep(bytes, at, end);
                if (at == end || !reading()) {
                    break;
                }
            }
            step(bytes[at++] & 0xFF);
        }
        return result;
    }

    /** Reads [position, limit) with absolute gets: the position is not moved, nothing allocated. */
    public int feed(ByteBuffer buffer) {
        return feed(buffer, buffer.position(), buffer.limit());
    }

    /** Reads {@code [from, to)} of {@code buffer} with absolute gets: its position and limit are not used or moved. */
    public int feed(ByteBuffer buffer, int from, int to) {
        if (buffer.hasArray()) {
            return feed(buffer.array(), buffer.arrayOffset() + from, to - from);
        }
        if (scratch == null) {
            scratch = new byte[SCRATCH];
        }
        int at = from;
        int limit = to;
        while (at < limit && reading()) {
            int n = Math.min(SCRATCH, limit - at);
            buffer.get(at, scratch, 0, n);
            feed(scratch, 0, n);
            at += n;
        }
        return result;
    }

    /**
     * Skips what is certainly valid inside a string that is not kept: printable ASCII, escapes
     * but a {@code \}u surrogate (a key must pair them), whole UTF-8 sequences. Stops at anything
     * else, or anything cut by the end of the read, which {@link #step} then reads.
     */
    private static int skip(byte[] bytes, int at, int end) {
        while (true) {
            while (at + 8 <= end && plain8(bytes, at)) {
                at += 8;
            }
            while (at < end && PLAIN[bytes[at] & 0xFF]) {
                at++;
            }
            if (at == end) {
                return at;
            }
            int b = bytes[at] & 0xFF;
            int n = b == '\\' ? escapeLength(bytes, at, end) : sequenceLength(bytes, at, end, b);
            if (n == 0) {
                return at;
            }
            at += n;
        }
    }

    /**
     * Whether {@code b[at, at + 8)} are all {@link #PLAIN}: eight lookups and no branch between
     * them. (A word read through a byte-array VarHandle is no faster here, and its first use links
     * method handles for about 10 ms, in the first request with a body.)
     */
    private static boolean plain8(byte[] b, int at) {
        return PLAIN[b[at] & 0xFF] & PLAIN[b[at + 1] & 0xFF] & PLAIN[b[at + 2] & 0xFF] & PLAIN[b[at + 3] & 0xFF]
                & PLAIN[b[at + 4] & 0xFF] & PLAIN[b[at + 5] & 0xFF] & PLAIN[b[at + 6] & 0xFF] & PLAIN[b[at + 7] & 0xFF];
    }

    /** Keeps the printable ASCII at {@code bytes[at]} on, up to anything else. */
    private int keep(byte[] bytes, int at, int end) {
        while (at < end && PLAIN[bytes[at] & 0xFF] && result != MALFORMED) {
            put(bytes[at++]);
        }
        return at;
    }

    /** The length of the escape at {@code bytes[at]} if whole, valid and no surrogate, else 0. */
    private static int escapeLength(byte[] bytes, int at, int end) {
        if (at + 1 >= end) {
            return 0;
        }
        int b = bytes[at + 1];
        if (b != 'u') {
            return b == '"' || b == '\\' || b == '/' || b == 'b' || b == 'f' || b == 'n' || b == 'r' || b == 't' ? 2 : 0;
        }
        if (at + 5 >= end) {
            return 0;
        }
        int unit = 0;
        for (int i = at + 2; i < at + 6; i++) {
            int digit = hex(bytes[i]);
            if (digit < 0) {
                return 0;
            }
            unit = unit << 4 | digit;
        }
        return unit >= 0xD800 && unit <= 0xDFFF ? 0 : 6;
    }

    /** The length of the UTF-8 sequence led by {@code b} at {@code bytes[at]} if whole and valid, else 0. */
    private static int sequenceLength(byte[] bytes, int at, int end, int b) {
        int n = utfLength(b);
        if (n == 0 || at + n > end) {
            return 0;
        }
        int second = bytes[at + 1] & 0xFF;
        if (second < secondLow(b) || second > secondHigh(b)) {
            return 0;
        }
        for (int i = at + 2; i < at + n; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return n;
    }

    /** Whether bytes still matter: REFUSED, MALFORMED and NOT_JSON are final. */
    private boolean reading() {
        return result == MORE || result == COMPLETE;
    }

    /** The body ended: MALFORMED if a started JSON value is incomplete, else the current state. */
    public int end() {
        if (result == MORE) {
            if (state == HEAD_FE_FF || state == BOM_1 || state == BOM_2) {
                result = NOT_JSON;
            } else if (state != INIT && state != BEFORE) {
                result = MALFORMED;
            }
        }
        return result;
    }

    private void step(int b) {
        switch (state) {
            case STRING -> string(b);
            case NUMBER -> number(b);
            case LITERAL -> literal(b);
            case AFTER_VALUE -> afterValue(b);
            case VALUE, VALUE_OR_CLOSE -> {
                if (!whitespace(b)) {
                    if (b == ']' && state == VALUE_OR_CLOSE) {
                        close(b);
                    } else {
                        value(b);
                    }
                }
            }
            case KEY, KEY_OR_CLOSE -> {
                if (!whitespace(b)) {
                    if (b == '"') {
                        beginString(true, depth == messageDepth || depth == paramsDepth ? TO_KEY : SKIP);
                        keyLength = 0;
                    } else if (b == '}' && state == KEY_OR_CLOSE) {
                        close(b);
                    } else {
                        result = MALFORMED;
                    }
                }
            }
            case COLON -> {
                if (b == ':') {
                    state = VALUE;
                } else if (!whitespace(b)) {
                    result = MALFORMED;
                }
            }
            case END -> {
                if (!whitespace(b)) {
                    result = MALFORMED;
                }
            }
            case INIT -> {
                if (b == 0xEF) {
                    state = BOM_1;
                } else if (b == 0xFE || b == 0xFF) {
                    firstByte = b;
                    state = HEAD_FE_FF;
                } else {
                    top(b);
                }
            }
            case HEAD_FE_FF -> result = b == (firstByte ^ 1) ? MALFORMED : NOT_JSON;
            case BOM_1 -> {
                if (b == 0xBB) {
                    state = BOM_2;
                } else {
                    result = NOT_JSON;
                }
            }
            case BOM_2 -> {
                if (b == 0xBF) {
                    state = BEFORE;
                } else {
                    result = NOT_JSON;
                }
            }
            default -> top(b); // BEFORE
        }
    }

    /** Before the top-level value: an object or an array is JSON-RPC, a NUL is UTF-16 or UTF-32. */
    private void top(int b) {
        if (b == '{' || b == '[') {
            value(b);
        } else if (b == 0) {
            result = MALFORMED;
        } else if (whitespace(b)) {
            state = BEFORE;
        } else {
            result = NOT_JSON;
        }
    }

    private static boolean whitespace(int b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private void value(int b) {
        int of = role;
        role = 0;
        switch (b) {
            case '"' -> {
                int to = of == K_METHOD ? TO_METHOD : of == K_NAME ? TO_NAME : SKIP;
                if (to == TO_METHOD) {
                    methodLength = 0;
                } else if (to == TO_NAME) {
                    nameLength = 0;
                }
                beginString(false, to);
            }
            case '{', '[' -> {
                if (depth == MAX_DEPTH) {
                    result = MALFORMED;
                    return;
                }
                boolean object = b == '{';
                push(object);
                if (object) {
                    if (depth == 1 || (depth == 2 && (shallow & 1L) == 0)) {
                        messageDepth = depth;
                        paramsDepth = 0;
                        seen = 0;
                        methodLength = -1;
                        nameLength = -1;
                    } else if (of == K_PARAMS) {
                        paramsDepth = depth;
                    }
                }
                state = object ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
            }
            case '-' -> beginNumber(N_MINUS);
            case '0' -> beginNumber(N_ZERO);
            case 't' -> beginLiteral(TRUE);
            case 'f' -> beginLiteral(FALSE);
            case 'n' -> beginLiteral(NULL);
            default -> {
                if (b >= '1' && b <= '9') {
                    beginNumber(N_INT);
                } else {
                    result = MALFORMED;
                }
            }
        }
    }

    private void beginNumber(int at) {
        number = at;
        state = NUMBER;
    }

    private void beginLiteral(byte[] which) {
        literal = which;
        literalAt = 1;
        state = LITERAL;
    }

    private void beginString(boolean isKey, int to) {
        stringIsKey = isKey;
        sink = to;
        state = STRING;
    }

    private void afterValue(int b) {
        if (b == ',') {
            state = inObject() ? KEY : VALUE;
        } else if (b == '}' || b == ']') {
            close(b);
        } else if (!whitespace(b)) {
            result = MALFORMED;
        }
    }

    private void push(boolean object) {
        long bit = 1L << depth;
        if (depth < 64) {
            shallow = object ? shallow | bit : shallow & ~bit;
        } else {
            if (deep == null) {
                deep = new long[(MAX_DEPTH - 1) / 64];
            }
            int word = (depth >>> 6) - 1;
            deep[word] = object ? deep[word] | bit : deep[word] & ~bit;
        }
        depth++;
    }

    private boolean inObject() {
        int top = depth - 1;
        long word = top < 64 ? shallow : deep[(top >>> 6) - 1];
        return (word & (1L << top)) != 0;
    }

    private void close(int b) {
        boolean object = b == '}';
        if (object != inObject()) {
            result = MALFORMED;
            return;
        }
        if (object && depth == paramsDepth) {
            paramsDepth = 0;
        } else if (object && depth == messageDepth) {
            messageDepth = 0;
            if (!messages.message(text(method, methodLength), text(name, nameLength))) {
                result = REFUSED;
                return;
            }
        }
        depth--;
        if (depth == 0) {
            state = END;
            result = COMPLETE;
        } else {
            state = AFTER_VALUE;
        }
    }

    /** A captured value; an empty one has no buffer yet, one never captured a length of -1. */
    private static String text(char[] chars, int length) {
        return length < 0 ? null : length == 0 ? "" : new String(chars, 0, length);
    }

    private void number(int b) {
        boolean digit = b >= '0' && b <= '9';
        switch (number) {
            case N_MINUS -> {
                if (digit) {
                    number = b == '0' ? N_ZERO : N_INT;
                    return;
                }
            }
            case N_ZERO, N_INT -> {
                if (digit && number == N_INT) {
                    return;
                }
                if (b == '.') {
                    number = N_DOT;
                    return;
                }
                if (b == 'e' || b == 'E') {
                    number = N_E;
                    return;
                }
                if (!digit) {
                    endNumber(b);
                    return;
                }
            }
            case N_DOT, N_FRAC -> {
                if (digit) {
                    number = N_FRAC;
                    return;
                }
                if (number == N_FRAC) {
                    if (b == 'e' || b == 'E') {
                        number = N_E;
                    } else {
                        endNumber(b);
                    }
                    return;
                }
            }
            case N_E -> {
                if (b == '+' || b == '-') {
                    number = N_E_SIGN;
                    return;
                }
                if (digit) {
                    number = N_EXP;
                    return;
                }
            }
            case N_E_SIGN -> {
                if (digit) {
                    number = N_EXP;
                    return;
                }
            }
            default -> { // N_EXP
                if (!digit) {
                    endNumber(b);
                }
                return;
            }
        }
        result = MALFORMED;
    }

    /** A number ends at the first byte that is not its own, which is read as what follows it. */
    private void endNumber(int b) {
        state = AFTER_VALUE;
        afterValue(b);
    }

    private void literal(int b) {
        if (b != literal[literalAt]) {
            result = MALFORMED;
        } else if (++literalAt == literal.length) {
            state = AFTER_VALUE;
        }
    }

    private void string(int b) {
        if (highPending && (escape == 0 ? b != '\\' : escape == 1 && b != 'u')) {
            result = MALFORMED;
            return;
        }
        if (utfLeft > 0) {
            if (b < utfLow || b > utfHigh) {
                result = MALFORMED;
                return;
            }
            codePoint = codePoint << 6 | (b & 0x3F);
            utfLow = 0x80;
            utfHigh = 0xBF;
            if (--utfLeft == 0) {
                if (codePoint >= 0x10000) {
                    put(Character.highSurrogate(codePoint));
                    put(Character.lowSurrogate(codePoint));
                } else {
                    put(codePoint);
                }
            }
        } else if (escape == 1) {
            escape = 0;
            switch (b) {
                case '"', '\\', '/' -> put(b);
                case 'b' -> put('\b');
                case 'f' -> put('\f');
                case 'n' -> put('\n');
                case 'r' -> put('\r');
                case 't' -> put('\t');
                case 'u' -> {
                    escape = 2;
                    unit = 0;
                }
                default -> result = MALFORMED;
            }
        } else if (escape > 1) {
            int digit = hex(b);
            if (digit < 0) {
                result = MALFORMED;
                return;
            }
            unit = unit << 4 | digit;
            if (++escape == 6) {
                escape = 0;
                // a value keeps a lone surrogate as a char, as Jackson does (a pair is two chars
                // either way); Jackson refuses one in a key, which another parser would keep
                if (stringIsKey) {
                    boolean low = Character.isLowSurrogate((char) unit);
                    if (low != highPending) {
                        result = MALFORMED;
                        return;
                    }
                    highPending = Character.isHighSurrogate((char) unit);
                }
                put(unit);
            }
        } else if (b == '"') {
            endString();
        } else if (b == '\\') {
            escape = 1;
        } else if (b < 0x20) {
            result = MALFORMED;
        } else if (b < 0x80) {
            put(b);
        } else {
            lead(b);
        }
    }

    /** The first byte of a multi-byte UTF-8 sequence: what its next bytes may be. */
    private void lead(int b) {
        int n = utfLength(b);
        if (n == 0) {
            result = MALFORMED;
            return;
        }
        utfLeft = n - 1;
        codePoint = b & (0x7F >> n);
        utfLow = secondLow(b);
        utfHigh = secondHigh(b);
    }

    // Unicode's table 3-7, no more: no overlong forms, no surrogates, nothing past U+10FFFF

    /** The length of the sequence {@code lead} begins, 0 if it begins none. */
    private static int utfLength(int lead) {
        return lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
    }

    private static int secondLow(int lead) {
        return lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    }

    private static int secondHigh(int lead) {
        return lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    }

    private static int hex(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private void put(int c) {
        switch (sink) {
            case TO_KEY -> {
                if (keyLength < KEY_CAP) {
                    key[keyLength] = (char) c;
                }
                if (keyLength <= KEY_CAP) {
                    keyLength++;
                }
            }
            case TO_METHOD -> {
                if (methodLength == MAX_CAPTURE) {
                    result = MALFORMED;
                    return;
                }
                method = room(method, methodLength);
                method[methodLength++] = (char) c;
            }
            case TO_NAME -> {
                if (nameLength == MAX_CAPTURE) {
                    result = MALFORMED;
                    return;
                }
                name = room(name, nameLength);
                name[nameLength++] = (char) c;
            }
            default -> {
            }
        }
    }

    /** A capture buffer with room for one more char: most names fit the first 32, none needs more than MAX_CAPTURE. */
    private static char[] room(char[] buffer, int used) {
        if (buffer != null && used < buffer.length) {
            return buffer;
        }
        char[] grown = new char[buffer == null ? 32 : Math.min(MAX_CAPTURE, buffer.length * 2)];
        if (buffer != null) {
            System.arraycopy(buffer, 0, grown, 0, used);
        }
        return grown;
    }

    private void endString() {
        if (!stringIsKey) {
            state = AFTER_VALUE;
            return;
        }
        state = COLON;
        if (sink != TO_KEY) {
            return;
        }
        int which;
        if (depth == messageDepth) {
            which = keyIs("jsonrpc") ? K_JSONRPC : keyIs("id") ? K_ID : keyIs("method") ? K_METHOD
                    : keyIs("params") ? K_PARAMS : 0;
        } else {
            which = keyIs("name") ? K_NAME : 0;
        }
        if ((seen & which) != 0) {
            result = MALFORMED;
        }
        seen |= which;
        role = which;
    }

    private boolean keyIs(String wanted) {
        if (keyLength != wanted.length()) {
            return false;
        }
        for (int i = 0; i < keyLength; i++) {
            if (key[i] != wanted.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
