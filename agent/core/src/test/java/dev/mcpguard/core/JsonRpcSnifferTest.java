package dev.mcpguard.core;

import static dev.mcpguard.core.JsonRpcSniffer.COMPLETE;
import static dev.mcpguard.core.JsonRpcSniffer.MALFORMED;
import static dev.mcpguard.core.JsonRpcSniffer.MORE;
import static dev.mcpguard.core.JsonRpcSniffer.NOT_JSON;
import static dev.mcpguard.core.JsonRpcSniffer.REFUSED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.SniffRun.Message;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JsonRpcSniffer}: every body is fed whole, byte by byte, split at every boundary and
 * through byte buffers ({@link SniffRun#every}), and must read the same each time.
 */
class JsonRpcSnifferTest {

    private static final String CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{\"q\":\"x\"}}}";

    private static byte[] utf8(String body) {
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static Message m(String method, String name) {
        return new Message(method, name);
    }

    private static void reads(String body, Message... expected) {
        reads(utf8(body), expected);
    }

    private static void reads(byte[] body, Message... expected) {
        assertThat(SniffRun.every(body)).as(SniffRun.show(body)).isEqualTo(new SniffRun(COMPLETE, List.of(expected)));
    }

    private static void malformed(String body) {
        malformed(utf8(body));
    }

    private static void malformed(byte[] body) {
        assertThat(SniffRun.every(body).result()).as(SniffRun.show(body)).isEqualTo(MALFORMED);
    }

    private static void notJson(byte[] body) {
        assertThat(SniffRun.every(body)).as(SniffRun.show(body)).isEqualTo(new SniffRun(NOT_JSON, List.of()));
    }

    @Test
    void aToolsCall() {
        reads(CALL, m("tools/call", "search"));
    }

    @Test
    void anyKeyOrder() {
        reads("{\"params\":{\"arguments\":{},\"name\":\"deploy\"},\"id\":\"a\",\"method\":\"tools/call\",\"jsonrpc\":\"2.0\"}",
                m("tools/call", "deploy"));
        reads("{\"params\":{\"name\":\"deploy\"},\"method\":\"tools/call\"}", m("tools/call", "deploy"));
        reads(" \r\n\t{ \"method\" : \"tools/call\" , \"params\" : { \"name\" : \"a\" } } \n", m("tools/call", "a"));
    }

    @Test
    void whatIsNotAStringIsNull() {
        reads("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", m("notifications/initialized", null));
        reads("{\"id\":1,\"result\":{}}", m(null, null));
        reads("{}", m(null, null));
        reads("{\"method\":1,\"params\":{\"name\":2}}", m(null, null));
        reads("{\"method\":null,\"params\":{\"name\":null}}", m(null, null));
        reads("{\"method\":{\"method\":\"x\"},\"params\":[{\"name\":\"y\"}]}", m(null, null));
        reads("{\"method\":[\"x\"],\"params\":\"name\"}", m(null, null));
        reads("{\"method\":\"tools/call\",\"params\":{\"arguments\":{\"name\":\"x\"}}}", m("tools/call", null));
        reads("{\"method\":\"\",\"params\":{\"name\":\"\"}}", m("", ""));
        reads("{\"name\":\"top\",\"method\":\"tools/call\"}", m("tools/call", null));
    }

    /** Keys named method, name or params in arguments, at many depths, are never captured. */
    @Test
    void nestedKeysAreNotTheMessages() {
        for (int depth : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 13, 21, 40}) {
            StringBuilder nested = new StringBuilder();
            for (int i = 0; i < depth; i++) {
                nested.append(i % 2 == 0
                        ? "{\"method\":\"evil\",\"name\":\"evil\",\"params\":{\"name\":\"evil\"},\"x\":"
                        : "[\"method\",{\"name\":\"evil\"},");
            }
            nested.append("{\"method\":\"deepest\",\"params\":{\"name\":\"deepest\"}}");
            for (int i = depth - 1; i >= 0; i--) {
                nested.append(i % 2 == 0 ? "}" : "]");
            }
            String body = "{\"method\":\"tools/call\",\"params\":{\"name\":\"safe\",\"arguments\":" + nested
                    + ",\"meta\":" + nested + "},\"extra\":" + nested + "}";
            reads(body, m("tools/call", "safe"));
            reads("{\"params\":{\"arguments\":" + nested + ",\"name\":\"safe\"},\"x\":" + nested
                    + ",\"method\":\"tools/call\"}", m("tools/call", "safe"));
        }
    }

    @Test
    void batches() {
        reads("[" + CALL + "," + CALL + "]", m("tools/call", "search"), m("tools/call", "search"));
        reads("[1,\"x\",{\"method\":\"a\"},[{\"method\":\"nested\"}],null,true,{},{\"method\":\"b\",\"params\":{\"name\":\"n\"}},[]]",
                m("a", null), m(null, null), m("b", "n"));
        reads("[]");
        reads("[[{\"method\":\"not a message\"}]]");
        reads(" [ { \"method\" : \"a\" } , { \"method\" : \"b\" } ] ", m("a", null), m("b", null));
    }

    /** A refusal at the third message stops there: the fourth and fifth are never read. */
    @Test
    void aRefusalStopsTheBatch() {
        String body = "[{\"method\":\"m1\"},{\"method\":\"m2\"},{\"method\":\"m3\"},{\"method\":\"m4\"},{\"method\":\"m5\"}]";
        SniffRun run = SniffRun.every(utf8(body), 3);
        assertThat(run).isEqualTo(new SniffRun(REFUSED, List.of(m("m1", null), m("m2", null), m("m3", null))));

        // a refused single message; what follows (even garbage) is not read, and the state stays
        SniffRun.Recorder recorder = new SniffRun.Recorder(1);
        JsonRpcSniffer sniffer = new JsonRpcSniffer(recorder);
        byte[] call = utf8(CALL + "garbage");
        assertThat(sniffer.feed(call, 0, call.length)).isEqualTo(REFUSED);
        assertThat(sniffer.feed(call, 0, call.length)).isEqualTo(REFUSED);
        assertThat(sniffer.end()).isEqualTo(REFUSED);
        assertThat(recorder.seen).hasSize(1);
    }

    @Test
    void feedAnswersAsItGoes() {
        JsonRpcSniffer sniffer = new JsonRpcSniffer(new SniffRun.Recorder(0));
        byte[] body = utf8(CALL + "  ");
        assertThat(sniffer.feed(body, 0, 10)).isEqualTo(MORE);
        assertThat(sniffer.feed(body, 10, CALL.length() - 10)).isEqualTo(COMPLETE);
        assertThat(sniffer.feed(body, CALL.length(), 2)).isEqualTo(COMPLETE);
        assertThat(sniffer.feed(body, 0, 0)).isEqualTo(COMPLETE);
        assertThat(sniffer.end()).isEqualTo(COMPLETE);
        assertThat(sniffer.feed(ByteBuffer.wrap(utf8("x")))).isEqualTo(MALFORMED);
        assertThat(sniffer.feed(body, 0, body.length)).as("sticky").isEqualTo(MALFORMED);
        assertThat(sniffer.end()).isEqualTo(MALFORMED);

        JsonRpcSniffer form = new JsonRpcSniffer(new SniffRun.Recorder(0));
        assertThat(form.feed(utf8("a=1"), 0, 3)).isEqualTo(NOT_JSON);
        assertThat(form.feed(body, 0, body.length)).as("sticky").isEqualTo(NOT_JSON);
        assertThat(form.end()).isEqualTo(NOT_JSON);
    }

    @Test
    void escapesInKeysAndValues() {
        reads("{\"m\\u0065thod\":\"tools\\/call\",\"p\\u0061ram\\u0073\":{\"n\\u0061me\":\"\\u0073earch\"}}",
                m("tools/call", "search"));
        reads("{\"\\u006D\\u0065\\u0074\\u0068\\u006F\\u0064\":\"\\u0074ools/call\",\"params\":{\"\\u006e\\u0061\\u006d\\u0065\":\"x\"}}",
                m("tools/call", "x"));
        reads("{\"method\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\\u00e9\\u20AC\"}",
                m("\"\\/\b\f\n\r\t\u0000\u001f\u00e9\u20ac", null));
        // a key that unescapes to something else, or only starts like one of interest
        reads("{\"method\\u0000\":\"a\",\"methods\":\"b\",\"metho\":\"c\",\"jsonrpcX\":1,\"paramsparams\":{\"name\":\"d\"}}",
                m(null, null));
        reads("{\"method\":\"x\",\"params\":{\"nam\\u0065\":\"y\",\"name\\u0020\":\"z\",\"Name\":\"w\"}}", m("x", "y"));
    }

    @Test
    void unicode() {
        reads("{\"method\":\"\\ud83d\\ude00\",\"params\":{\"name\":\"\\uD83D\\uDE00\"}}", m("\ud83d\ude00", "\ud83d\ude00"));
        reads("{\"method\":\"\ud83d\ude00\u00e9\u20ac\u07ff\uffff\",\"params\":{\"name\":\"\udbff\udfff\"}}",
                m("\ud83d\ude00\u00e9\u20ac\u07ff\uffff", "\udbff\udfff"));
        // lone surrogates from escapes stay chars, as Jackson keeps them
        reads("{\"method\":\"\\ud800\",\"params\":{\"name\":\"a\\udc00b\\ud800\"}}", m("\ud800", "a\udc00b\ud800"));
        reads("{\"method\":\"\\ude00\\ud83d\"}", m("\ude00\ud83d", null));
        // Jackson refuses a lone surrogate in a key; a pair is fine
        reads("{\"\\ud83d\\ude00\":1,\"a\\uD83D\\uDE00b\":{\"\\ud83d\\ude00\":2},\"method\":\"m\"}", m("m", null));
        for (String lone : new String[] {"\\ud800", "\\udc00", "a\\ud800b", "\\ud800\\u0041", "\\ude00\\ud83d",
                "\\ud83d\\n", "\\ud83d\u00e9", "\\ud83d\\ud83d"}) {
            malformed("{\"" + lone + "\":1}");
            malformed("{\"method\":\"m\",\"params\":{\"arguments\":[{\"" + lone + "\":1}]}}");
        }
        // a key spelled with raw non-ASCII is just another key
        reads("{\"m\u00e9thod\":\"a\",\"method\":\"b\"}", m("b", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "1", "-1", "10", "1234567890", "1.5", "-0.0", "0.000", "1e5", "1E5", "1e+5",
            "1e-5", "1.5e10", "-1.5E-10", "0e0", "0E+00", "123456789012345678901234567890.123456789e123456"})
    void numbers(String number) {
        reads("{\"id\":" + number + ",\"method\":\"m\"}", m("m", null));
        reads("[" + number + "]");
        reads("[" + number + " ]");
        reads("[" + number + "," + number + "]");
        reads("{\"a\":{\"b\":" + number + "}}", m(null, null));
        // truncated, a valid number is still a value begun
        malformed("[" + number);
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-", "-a", "1.", ".5", "+1", "1e", "1e+", "1E-", "0x1", "--1", "1.e5", "-01", "00",
            "1ee5", "Infinity", "-Infinity", "NaN", "1.5.3", "1e5.0", "1-", "0-1", "1e+-5", "- 1", "1 2", "1a", "0.a",
            "\u0661"})
    void notNumbers(String number) {
        malformed("{\"id\":" + number + ",\"method\":\"m\"}");
        malformed("[" + number + "]");
    }

    @Test
    void literals() {
        reads("[true,false,null]");
        reads("{\"a\":true,\"b\":false,\"c\":null,\"method\":\"m\"}", m("m", null));
        for (String bad : new String[] {"tru", "True", "nul", "nulll", "falsey", "fals", "t", "nil", "undefined",
                "truefalse", "true1"}) {
            malformed("[" + bad + "]");
            malformed("{\"method\":" + bad + "}");
        }
    }

    @Test
    void rawControlCharactersInStrings() {
        for (int c = 0; c < 0x20; c++) {
            malformed(concat(utf8("{\"method\":\"a"), bytes(c), utf8("\"}")));
            malformed(concat(utf8("{\"a"), bytes(c), utf8("\":1}")));
            malformed(concat(utf8("{\"x\":\""), bytes(c), utf8("\"}")));
        }
        reads(concat(utf8("{\"method\":\"a"), bytes(0x7F), utf8("\"}")), m("a\u007f", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\x41", "\\U0041", "\\u12", "\\u12G4", "\\'", "\\a", "\\0", "\\u", "\\u00e", "\\ ",
            "\\\u00e9", "\\u-123", "\\u+123"})
    void badEscapes(String escape) {
        malformed("{\"method\":\"" + escape + "\"}");
        malformed("{\"arguments\":\"" + escape + "\"}");
        malformed("{\"" + escape + "\":1}");
    }

    /** Skipped strings are read eight bytes at a time: a byte that matters is seen at every offset of a word. */
    @Test
    void whatMattersInsideLongStrings() {
        for (int offset = 0; offset < 17; offset++) {
            String before = "abcdefghijklmnopq".substring(0, offset);
            String after = " rest of the text!";
            for (int c = 0; c < 0x20; c++) {
                malformed(concat(utf8("{\"x\":\"" + before), bytes(c), utf8(after + "\"}")));
            }
            for (int b : new int[] {0x80, 0xC0, 0xF5, 0xFF, 0xED}) {
                malformed(concat(utf8("{\"x\":\"" + before), bytes(b), utf8(after + "\"}")));
            }
            malformed("{\"x\":\"" + before + "\\q" + after + "\"}");
            malformed("{\"x\":\"" + before + "\"" + after + "\"}");
            for (String fine : new String[] {" ", "!", "#", "[", "]", "~", "\u007f", "\u00e9", "\u20ac", "\ud83d\ude00",
                    "\\\"", "\\\\", "\\u0022", "\\ud800"}) {
                reads("{\"x\":\"" + before + fine + after + "\",\"method\":\"" + before + fine + after + "\"}",
                        m(before + unescape(fine) + after, null));
            }
        }
    }

    private static String unescape(String json) {
        return json.replace("\\\"", "\"").replace("\\\\", "\\").replace("\\u0022", "\"").replace("\\ud800", "\ud800");
    }

    @Test
    void invalidUtf8() {
        int[][] bad = {
                {0x80}, {0xBF}, {0xC0, 0x80}, {0xC1, 0xBF}, {0xC2}, {0xC2, 0x41}, {0xC2, 0xC0},
                {0xE0, 0x80, 0x80}, {0xE0, 0x9F, 0xBF}, {0xED, 0xA0, 0x80}, {0xED, 0xBF, 0xBF}, {0xE2, 0x82},
                {0xE2, 0x28, 0xA1}, {0xF0, 0x80, 0x80, 0x80}, {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80},
                {0xF5, 0x80, 0x80, 0x80}, {0xF8, 0x88, 0x80, 0x80, 0x80}, {0xFE}, {0xFF}, {0xF0, 0x9F, 0x98},
                {0xE2, 0x82, 0xAC, 0xAC}};
        for (int[] sequence : bad) {
            byte[] b = bytes(sequence);
            malformed(concat(utf8("{\"method\":\"a"), b, utf8("\"}")));
            malformed(concat(utf8("{\"x\":\"a"), b, utf8("\"}")));
            malformed(concat(utf8("{\""), b, utf8("\":1}")));
            malformed(concat(utf8("{\"params\":{\"name\":\""), b, utf8("\"}}")));
        }
        int[][] good = {{0xC2, 0x80}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xED, 0x9F, 0xBF}, {0xEE, 0x80, 0x80},
                {0xEF, 0xBF, 0xBF}, {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}};
        for (int[] sequence : good) {
            byte[] b = bytes(sequence);
            String decoded = new String(b, StandardCharsets.UTF_8);
            reads(concat(utf8("{\"method\":\"a"), b, utf8("\"}")), m("a" + decoded, null));
            reads(concat(utf8("{\"x\":\"a"), b, utf8("\"}")), m(null, null));
        }
        // a multi-byte sequence outside any string
        malformed(concat(utf8("{\"a\":"), bytes(0xC3, 0xA9), utf8("}")));
    }

    @Test
    void duplicateKeysThatParsersReadTwoWays() {
        malformed("{\"method\":\"a\",\"method\":\"b\"}");
        malformed("{\"method\":\"a\",\"m\\u0065thod\":\"b\"}");
        malformed("{\"method\":1,\"method\":\"b\"}");
        malformed("{\"params\":{\"name\":\"a\"},\"params\":{\"name\":\"b\"}}");
        malformed("{\"params\":null,\"params\":{\"name\":\"b\"}}");
        malformed("{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\"}");
        malformed("{\"id\":1,\"id\":2}");
        malformed("{\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"name\":\"b\"}}");
        malformed("{\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"\\u006eame\":\"b\"}}");
        malformed("[{\"method\":\"a\"},{\"method\":\"b\",\"method\":\"c\"}]");
        // other keys may repeat: no parser reads them for the gate
        reads("{\"method\":\"m\",\"x\":1,\"x\":2,\"name\":1,\"name\":2,\"params\":{\"name\":\"n\",\"arguments\":1,\"arguments\":2}}",
                m("m", "n"));
        reads("{\"method\":\"m\",\"params\":{\"name\":\"n\",\"arguments\":{\"name\":1,\"name\":2,\"method\":3,\"method\":4}}}",
                m("m", "n"));
        // each message and each params has its own keys
        reads("[{\"method\":\"a\",\"params\":{\"name\":\"x\"}},{\"method\":\"b\",\"params\":{\"name\":\"y\"}}]",
                m("a", "x"), m("b", "y"));
    }

    @Test
    void capturedValuesAreBounded() {
        String longest = "x".repeat(JsonRpcSniffer.MAX_CAPTURE);
        reads("{\"method\":\"" + longest + "\",\"params\":{\"name\":\"" + longest + "\"}}", m(longest, longest));
        malformed("{\"method\":\"" + longest + "y\"}");
        malformed("{\"params\":{\"name\":\"" + longest + "y\"}}");
        // chars, not bytes: an escape is one, a pair two
        String escaped = "\\u0041".repeat(JsonRpcSniffer.MAX_CAPTURE);
        reads("{\"method\":\"" + escaped + "\"}", m("A".repeat(JsonRpcSniffer.MAX_CAPTURE), null));
        String pairs = "\ud83d\ude00".repeat(JsonRpcSniffer.MAX_CAPTURE / 2);
        reads("{\"method\":\"" + pairs + "\"}", m(pairs, null));
        malformed("{\"method\":\"" + pairs + "x\"}");
        // other strings and keys are not captured, so not bounded
        String huge = "y".repeat(20_000);
        reads("{\"method\":\"m\",\"" + huge + "\":\"" + huge + "\"}", m("m", null));
    }

    /** A 10 MiB argument fed in 8 KiB chunks reads to the end and leaves the sniffer as large as a short one. */
    @Test
    void hugeStringsKeepTheSnifferSmall() throws Exception {
        byte[] head = utf8("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"write\",\"arguments\":{\"text\":\"");
        byte[] tail = utf8("\"}}}");
        byte[] text = utf8("0123456789abcdefg\u00e9\u20ac\\n\\u00e9\\\"".repeat(10 << 20 >> 5));
        byte[] key = utf8("k".repeat(10 << 20));

        SniffRun.Recorder small = new SniffRun.Recorder(0);
        JsonRpcSniffer shortBody = new JsonRpcSniffer(small);
        byte[] call = utf8("{\"method\":\"tools/call\",\"params\":{\"name\":\"write\",\"arguments\":{\"text\":\"a\"}}}");
        shortBody.feed(call, 0, call.length);
        assertThat(shortBody.end()).isEqualTo(COMPLETE);

        for (byte[][] parts : new byte[][][] {{head, text, tail},
                {utf8("{\"method\":\"tools/call\",\"params\":{\"name\":\"write\",\"arguments\":{\""), key, utf8("\":1}}}")}}) {
            SniffRun.Recorder recorder = new SniffRun.Recorder(0);
            JsonRpcSniffer sniffer = new JsonRpcSniffer(recorder);
            byte[] body = concat(parts);
            ByteBuffer direct = ByteBuffer.allocateDirect(8192);
            for (int from = 0; from < body.length; from += 8192) {
                int n = Math.min(8192, body.length - from);
                int answer;
                if ((from / 8192) % 2 == 0) {
                    answer = sniffer.feed(body, from, n);
                } else {
                    direct.clear();
                    direct.put(body, from, n).flip();
                    answer = sniffer.feed(direct);
                }
                assertThat(answer).isIn(MORE, COMPLETE);
            }
            assertThat(sniffer.end()).isEqualTo(COMPLETE);
            assertThat(recorder.seen).containsExactly(m("tools/call", "write"));
            assertThat(retained(sniffer)).isEqualTo(retained(shortBody) + JsonRpcSniffer.SCRATCH);
        }
    }

    /**
     * The bytes a sniffer holds in arrays, and the bound on each: every array field is one of a
     * fixed size (stack, key, window) or a capture buffer of at most MAX_CAPTURE chars, and no
     * field refers to anything else that could grow.
     */
    private static long retained(JsonRpcSniffer sniffer) throws IllegalAccessException {
        long total = 0;
        for (Field field : JsonRpcSniffer.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(sniffer);
            Class<?> type = field.getType();
            if (value instanceof long[] longs) {
                assertThat(longs.length * 64 + 64).isBetween(JsonRpcSniffer.MAX_DEPTH, JsonRpcSniffer.MAX_DEPTH + 63);
                total += 8L * longs.length;
            } else if (value instanceof char[] chars) {
                assertThat(chars.length).isLessThanOrEqualTo(JsonRpcSniffer.MAX_CAPTURE);
                total += 2L * chars.length;
            } else if (value instanceof byte[] window && field.getName().equals("scratch")) {
                assertThat(window.length).isEqualTo(JsonRpcSniffer.SCRATCH);
                total += window.length;
            } else {
                // primitives, the caller's Messages, and the shared literal constants
                assertThat(type.isPrimitive() || value == null || type == JsonRpcSniffer.Messages.class
                        || field.getName().equals("literal")).as(field.getName()).isTrue();
            }
        }
        return total;
    }

    @Test
    void nestingUpToJacksonsLimit() {
        int limit = JsonRpcSniffer.MAX_DEPTH;
        reads("[".repeat(limit) + "]".repeat(limit));
        malformed("[".repeat(limit + 1) + "]".repeat(limit + 1));
        String objects = "{\"a\":".repeat(limit - 1) + "{}" + "}".repeat(limit - 1);
        reads(objects, m(null, null));
        malformed("{\"a\":".repeat(limit) + "{}" + "}".repeat(limit));
        // the message, its params, and arguments nested down to the limit
        String inMessage = "{\"method\":\"m\",\"params\":{\"name\":\"n\",\"arguments\":"
                + "[".repeat(limit - 2) + "]".repeat(limit - 2) + "}}";
        reads(inMessage, m("m", "n"));
        malformed("{\"method\":\"m\",\"params\":{\"name\":\"n\",\"arguments\":"
                + "[".repeat(limit - 1) + "]".repeat(limit - 1) + "}}");
        // closing and opening again never adds up
        reads("[" + ("[".repeat(limit - 1) + "]".repeat(limit - 1) + ",").repeat(3) + "1]");
    }

    @Test
    void byteOrderMarksAndOtherEncodings() {
        byte[] bom = bytes(0xEF, 0xBB, 0xBF);
        reads(concat(bom, utf8(CALL)), m("tools/call", "search"));
        reads(concat(bom, utf8(" \n" + CALL)), m("tools/call", "search"));
        notJson(concat(bom, utf8("a=1")));
        notJson(concat(utf8(" "), bom, utf8(CALL)));
        notJson(concat(bom, bom, utf8(CALL)));
        notJson(bytes(0xEF, 0xBB));
        notJson(bytes(0xEF));
        notJson(bytes(0xEF, 0xBB, 0x7B));
        malformed(concat(bom, bytes(0)));
        assertThat(SniffRun.every(bom)).isEqualTo(new SniffRun(MORE, List.of()));

        for (String charset : new String[] {"UTF-16", "UTF-16BE", "UTF-16LE", "UTF-32", "UTF-32BE", "UTF-32LE"}) {
            malformed(CALL.getBytes(Charset.forName(charset)));
            malformed((" " + CALL).getBytes(Charset.forName(charset)));
        }
        malformed(concat(bytes(0xFF, 0xFE), CALL.getBytes(StandardCharsets.UTF_16LE)));
        malformed(bytes(0xFE, 0xFF));
        malformed(bytes(0xFF, 0xFE));
        malformed(bytes(0));
        malformed(bytes(' ', 0, '{', 0));
        // binary that merely starts with one of those bytes: an upload, not JSON
        notJson(bytes(0xFF, 0xD8, 0xFF, 0xE0));
        notJson(bytes(0xFE, 0x00));
        notJson(bytes(0xFF));
        notJson(bytes(0xFE));
    }

    @Test
    void notJsonRpc() {
        notJson(utf8("a=1&b=2"));
        notJson(utf8("--boundary\r\n"));
        notJson(utf8("\"tools/call\""));
        notJson(utf8("1"));
        notJson(utf8("  null"));
        notJson(utf8("\n\ttrue"));
        notJson(bytes(0x89, 'P', 'N', 'G'));
        assertThat(SniffRun.every(new byte[0])).isEqualTo(new SniffRun(MORE, List.of()));
        assertThat(SniffRun.every(utf8(" \r\n\t "))).isEqualTo(new SniffRun(MORE, List.of()));
    }

    @Test
    void trailingContent() {
        reads(CALL + " \r\n\t", m("tools/call", "search"));
        for (String trailing : new String[] {"x", "{}", " {}", "]", "}", ",", "\"", "0", "\u0000", "\u00e9"}) {
            malformed(CALL + trailing);
            malformed("[]" + trailing);
        }
        malformed(concat(utf8(CALL), bytes(0xEF, 0xBB, 0xBF)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\" 1}", "{\"a\":}", "{,}", "[1,]", "{\"a\":1,}", "[,1]", "{1:2}", "{'a':1}",
            "{\"a\":1 \"b\":2}", "{]", "[}", "{\"a\":[}]}", "{\"a\"::1}", "{\"a\":1:2}", "[1:2]", "{\"a\",1}",
            "{null:1}", "[\"a\" \"b\"]", "{\"a\":1}}", "[[]]]", "{\"a\":'x'}", "{\"a\":/*c*/1}", "{\"a\":1}//",
            "{\"a\":\"b}", "[\u000b]", "[\u00a0]", "{\"method\"\u000c:1}", "{\"a\":[1,,2]}", "[1 2]"})
    void syntaxErrors(String body) {
        malformed(body);
    }

    /** Every proper prefix of a JSON-RPC body is a value begun and not finished. */
    @Test
    void truncatedAtEveryLength() {
        String[] bodies = {CALL, "[" + CALL + ",{\"method\":\"x\\u00e9\\ud83d\\ude00\",\"id\":-1.5e+3,\"a\":[true,false,null]}]",
                "{\"method\":\"\u00e9\ud83d\ude00\",\"params\":{\"name\":\"\\\"\"}}", "[]", "{}"};
        for (String text : bodies) {
            byte[] body = utf8(text);
            for (int length = 1; length < body.length; length++) {
                byte[] prefix = java.util.Arrays.copyOf(body, length);
                SniffRun run = SniffRun.every(prefix);
                assertThat(run.result()).as(SniffRun.show(prefix)).isEqualTo(MALFORMED);
                if (text.startsWith("{")) {
                    // a message is handed over at its closing brace, the body's last byte
                    assertThat(run.messages()).isEmpty();
                }
            }
        }
        // but messages finished before the cut were handed over
        assertThat(SniffRun.every(utf8("[{\"method\":\"a\"},{\"method\":\"b\""))).isEqualTo(
                new SniffRun(MALFORMED, List.of(m("a", null))));
    }
}
