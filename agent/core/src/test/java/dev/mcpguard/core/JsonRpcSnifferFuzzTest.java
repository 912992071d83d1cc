package dev.mcpguard.core;

import static dev.mcpguard.core.JsonRpcSniffer.COMPLETE;
import static dev.mcpguard.core.JsonRpcSniffer.MALFORMED;
import static dev.mcpguard.core.JsonRpcSniffer.MORE;
import static dev.mcpguard.core.JsonRpcSniffer.NOT_JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.SniffRun.Message;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sniffer against Jackson, the parser of the MCP SDK for Java: thousands of JSON-RPC bodies,
 * valid and mutated, from a fixed seed. Whenever the sniffer does not call a body MALFORMED or
 * NOT_JSON, Jackson must read it, and read the same messages with the same method and
 * params.name: a message Jackson reads that the sniffer did not report is a way past the MCP gate.
 */
class JsonRpcSnifferFuzzTest {
    private static final long SEED = 0x14_5eedL;
    private static final int BODIES = 30_000;

    private final JsonMapper jackson = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @Test
    void readsWhatJacksonReads() {
        Random random = new Random(SEED);
        int[] outcomes = new int[5];
        int jacksonOnly = 0;
        int withMessages = 0;
        for (int i = 0; i < BODIES; i++) {
            byte[] body = body(random);
            if (i % 4 != 0) {
                int mutations = 1 + random.nextInt(3);
                for (int k = 0; k < mutations; k++) {
                    body = mutate(body, random);
                }
            }
            SniffRun sniffed = sniff(body, random);
            outcomes[sniffed.result()]++;
            JsonNode tree;
            try {
                tree = jackson.readTree(body);
            } catch (JacksonException e) {
                // or no value at all (a body of only a BOM): nothing for the gate, nothing for the server
                assertThat(sniffed.result() == MORE ? MALFORMED : sniffed.result())
                        .as("Jackson refuses (%s) what the sniffer accepts: %s", e.getOriginalMessage(),
                        SniffRun.show(body)).isIn(MALFORMED, NOT_JSON);
                continue;
            }
            List<Message> read = messages(tree);
            if (sniffed.result() == NOT_JSON) {
                assertThat(tree.isObject() || tree.isArray())
                        .as("NOT_JSON, but Jackson reads a container: %s", SniffRun.show(body)).isFalse();
            } else if (sniffed.result() == MALFORMED) {
                jacksonOnly++;
            } else {
                assertThat(sniffed.messages()).as("the messages of %s", SniffRun.show(body)).isEqualTo(read);
                if (!read.isEmpty()) {
                    withMessages++;
                }
            }
        }
        System.out.printf("JsonRpcSnifferFuzzTest: %d bodies: %d complete (%d with messages, all as Jackson reads them),"
                        + " %d malformed (%d of which Jackson reads), %d not JSON, %d empty%n", BODIES, outcomes[COMPLETE],
                withMessages, outcomes[MALFORMED], jacksonOnly, outcomes[NOT_JSON], outcomes[MORE]);
        // the fuzz means something only if every outcome is well represented
        assertThat(withMessages).isGreaterThan(BODIES / 5);
        assertThat(outcomes[MALFORMED]).isGreaterThan(BODIES / 5);
        assertThat(jacksonOnly).isGreaterThan(BODIES / 100);
        assertThat(outcomes[NOT_JSON]).isGreaterThan(BODIES / 1000);
    }

    /** The messages as a JSON-RPC server reads them from Jackson's tree. */
    private static List<Message> messages(JsonNode tree) {
        List<Message> out = new ArrayList<>();
        if (tree.isObject()) {
            out.add(message(tree));
        } else if (tree.isArray()) {
            for (int i = 0; i < tree.size(); i++) {
                if (tree.get(i).isObject()) {
                    out.add(message(tree.get(i)));
                }
            }
        }
        return out;
    }

    private static Message message(JsonNode node) {
        JsonNode method = node.get("method");
        JsonNode params = node.get("params");
        JsonNode name = params != null && params.isObject() ? params.get("name") : null;
        return new Message(method != null && method.isString() ? method.stringValue() : null,
                name != null && name.isString() ? name.stringValue() : null);
    }

    /** Whole, and the same again split at random places, byte by byte now and then, and through a direct buffer. */
    private static SniffRun sniff(byte[] body, Random random) {
        SniffRun whole = SniffRun.whole(body, 0);
        int a = random.nextInt(body.length + 1);
        int b = random.nextInt(body.length + 1);
        assertThat(SniffRun.split(body, 0, Math.min(a, b), Math.max(a, b))).as(SniffRun.show(body)).isEqualTo(whole);
        assertThat(SniffRun.buffers(body, 0, 1 + random.nextInt(16), true, false)).as(SniffRun.show(body))
                .isEqualTo(whole);
        if (random.nextInt(8) == 0) {
            assertThat(SniffRun.bytewise(body, 0)).as(SniffRun.show(body)).isEqualTo(whole);
        }
        return whole;
    }

    // ---- bodies: JSON-RPC as clients send it, with every freedom JSON allows

    private static final String[] METHODS = {"tools/call", "tools/list", "initialize", "prompts/get",
            "resources/read", "notifications/initialized", "ping", "", "tools/call\u0000", "t\u00f6\u00f6ls/\u20ac"};
    private static final String[] NAMES = {"search", "deploy", "rm -rf", "\ud83d\ude00", "n\"a\\me", "", "\u00e9",
            "\ud800", "a\udc00", "x".repeat(40)};
    private static final String[] NUMBERS = {"0", "-0", "1", "-17", "3.25", "-0.5e-3", "1E9", "2e+10", "12345678901234567890"};

    private static byte[] body(Random random) {
        StringBuilder out = new StringBuilder();
        if (random.nextInt(20) == 0) {
            out.append('\ufeff');
        }
        space(out, random);
        if (random.nextInt(4) == 0) {
            out.append('[');
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(',');
                }
                space(out, random);
                if (random.nextInt(5) == 0) {
                    value(out, random, 2);
                } else {
                    message(out, random);
                }
                space(out, random);
            }
            out.append(']');
        } else {
            message(out, random);
        }
        space(out, random);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void message(StringBuilder out, Random random) {
        List<Runnable> members = new ArrayList<>();
        if (random.nextInt(5) != 0) {
            members.add(() -> member(out, random, "jsonrpc", () -> string(out, random, "2.0")));
        }
        if (random.nextInt(4) != 0) {
            members.add(() -> member(out, random, "id", () -> {
                if (random.nextBoolean()) {
                    out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
                } else {
                    string(out, random, "id-" + random.nextInt(100));
                }
            }));
        }
        if (random.nextInt(10) != 0) {
            members.add(() -> member(out, random, "method", () -> {
                if (random.nextInt(10) == 0) {
                    value(out, random, 2);
                } else {
                    string(out, random, METHODS[random.nextInt(METHODS.length)]);
                }
            }));
        }
        if (random.nextInt(6) != 0) {
            members.add(() -> member(out, random, "params", () -> params(out, random)));
        }
        int extra = random.nextInt(3);
        for (int i = 0; i < extra; i++) {
            String key = random.nextBoolean() ? "name" : "x" + random.nextInt(3);
            members.add(() -> member(out, random, key, () -> value(out, random, 3)));
        }
        if (random.nextInt(15) == 0 && !members.isEmpty()) {
            members.add(members.get(random.nextInt(members.size()))); // a duplicate key
        }
        Collections.shuffle(members, random);
        object(out, random, members);
    }

    private static void params(StringBuilder out, Random random) {
        if (random.nextInt(10) == 0) {
            value(out, random, 2);
            return;
        }
        List<Runnable> members = new ArrayList<>();
        if (random.nextInt(6) != 0) {
            members.add(() -> member(out, random, "name", () -> {
                if (random.nextInt(10) == 0) {
                    value(out, random, 1);
                } else {
                    string(out, random, NAMES[random.nextInt(NAMES.length)]);
                }
            }));
        }
        if (random.nextInt(3) != 0) {
            members.add(() -> member(out, random, "arguments", () -> value(out, random, 4)));
        }
        if (random.nextInt(4) == 0) {
            members.add(() -> member(out, random, "_meta", () -> value(out, random, 3)));
        }
        if (random.nextInt(20) == 0 && !members.isEmpty()) {
            members.add(members.get(0));
        }
        Collections.shuffle(members, random);
        object(out, random, members);
    }

    private static void object(StringBuilder out, Random random, List<Runnable> members) {
        out.append('{');
        for (int i = 0; i < members.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            space(out, random);
            members.get(i).run();
            space(out, random);
        }
        out.append('}');
    }

    private static void member(StringBuilder out, Random random, String key, Runnable value) {
        string(out, random, key);
        space(out, random);
        out.append(':');
        space(out, random);
        value.run();
    }

    /** Any JSON value; objects and arrays hold the keys the gate reads, at every depth. */
    private static void value(StringBuilder out, Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 7 : 5);
        switch (kind) {
            case 0 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 1 -> out.append(random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null");
            case 2, 3 -> string(out, random, random.nextBoolean() ? METHODS[random.nextInt(METHODS.length)]
                    : NAMES[random.nextInt(NAMES.length)]);
            case 4 -> string(out, random, text(random));
            case 5 -> {
                List<Runnable> members = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    String key = new String[] {"method", "name", "params", "jsonrpc", "id", "q"}[random.nextInt(6)];
                    members.add(() -> member(out, random, key, () -> value(out, random, depth - 1)));
                }
                object(out, random, members);
            }
            default -> {
                out.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    space(out, random);
                    value(out, random, depth - 1);
                }
                out.append(']');
            }
        }
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(30);
        for (int i = 0; i < n; i++) {
            int pick = random.nextInt(10);
            text.append(pick < 6 ? (char) (' ' + random.nextInt(95)) : pick < 7 ? (char) random.nextInt(0x20)
                    : pick < 8 ? (char) (0xA0 + random.nextInt(0x2000)) : pick < 9 ? "\ud83d\ude00" : "\"\\");
        }
        return text.toString();
    }

    /** A JSON string of {@code value}, each char raw, short-escaped or {@code \}u-escaped at random. */
    private static void string(StringBuilder out, Random random, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean mustEscape = c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(value.charAt(i - 1)));
            int how = random.nextInt(12);
            if (mustEscape || how == 0) {
                if (how < 6 && shortEscape(c) != 0) {
                    out.append('\\').append(shortEscape(c));
                } else {
                    String hex = String.format(random.nextBoolean() ? "%04x" : "%04X", (int) c);
                    out.append("\\u").append(hex);
                }
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static char shortEscape(char c) {
        return switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
    }

    private static void space(StringBuilder out, Random random) {
        if (random.nextInt(4) == 0) {
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                out.append(" \t\r\n".charAt(random.nextInt(4)));
            }
        }
    }

    // ---- mutations: what an attacker, or a broken client, sends

    private static final String[] INSERTS = {"{", "}", "[", "]", "\"", ":", ",", "\\", "\\u", "\\u0065", "\\ud83d",
            "0", "-", ".", "e", "+", " ", "\"method\":\"tools/call\",", "\"name\":\"deploy\",",
            "\"params\":{\"name\":\"x\"},", "true", "nul", "\u00e9", "\ufeff", "//", "/*", "'", "NaN", "01"};
    private static final int[] BYTES = {0x00, 0x01, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC3, 0xE0, 0xE2, 0xED, 0xEF,
            0xF0, 0xF4, 0xF5, 0xFE, 0xFF, 0x0B, 0x0C, 0xA0};

    private static byte[] mutate(byte[] body, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = random.nextInt(body.length + 1);
        switch (random.nextInt(7)) {
            case 0 -> { // flip a byte to a structural or troublesome one
                if (at == body.length) {
                    return body;
                }
                byte[] copy = body.clone();
                copy[at] = (byte) (random.nextBoolean() ? INSERTS[random.nextInt(INSERTS.length)].charAt(0)
                        : BYTES[random.nextInt(BYTES.length)]);
                return copy;
            }
            case 1 -> { // insert a token
                out.write(body, 0, at);
                out.writeBytes(INSERTS[random.nextInt(INSERTS.length)].getBytes(StandardCharsets.UTF_8));
                out.write(body, at, body.length - at);
            }
            case 2 -> { // insert a raw byte
                out.write(body, 0, at);
                out.write(BYTES[random.nextInt(BYTES.length)]);
                out.write(body, at, body.length - at);
            }
            case 3 -> { // delete a run
                int end = Math.min(body.length, at + 1 + random.nextInt(4));
                out.write(body, 0, at);
                out.write(body, end, body.length - end);
            }
            case 4 -> { // truncate
                return java.util.Arrays.copyOf(body, at);
            }
            case 5 -> { // copy a slice elsewhere: duplicated keys, members, messages
                int from = random.nextInt(body.length + 1);
                int to = Math.min(body.length, from + random.nextInt(40));
                out.write(body, 0, at);
                out.write(body, from, to - from);
                out.write(body, at, body.length - at);
            }
            default -> { // a plain letter as a \\u escape (valid inside a string, not outside)
                for (int i = at; i < body.length; i++) {
                    if (body[i] >= 'a' && body[i] <= 'z') {
                        out.write(body, 0, i);
                        out.writeBytes(String.format("\\u%04x", (int) body[i]).getBytes(StandardCharsets.US_ASCII));
                        out.write(body, i + 1, body.length - i - 1);
                        return out.toByteArray();
                    }
                }
                return body;
            }
        }
        return out.toByteArray();
    }
}
