package dev.mcpguard.cli;

import dev.mcpguard.testing.TestGuard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.audit.DecisionLog;
import dev.mcpguard.core.FakeRequest;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.mcpguard.testing.QuietLog;
import java.io.OutputStream;

/** Decision lines as the real {@link DecisionLog} writes them, and everything else on stderr. */
class DecisionLineParserTest {
    private static final String JSON_LINE = "{\"@timestamp\":\"2026-11-22T01:02:03.456Z\",\"event.action\":\"blocked\","
            + "\"mcpguard.gate\":\"auth\",\"mcpguard.reason\":\"invalid_token\",\"http.response.status_code\":401,"
            + "\"http.request.method\":\"POST\",\"url.path\":\"/mcp\",\"client.address\":\"127.0.0.1\","
            + "\"mcpguard.stack\":\"servlet-jakarta\"}";

    /** The decision lines the real writer produces for one request with this path, no token given. */
    private static List<String> written(boolean json, String path, String peer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TestGuard guard = TestGuard.builder()
                .sink(new AuditTrail(new DecisionLog(json, () -> stream), true, QuietLog.LOG));
        for (GateName gate : GateName.values()) {
            guard.mode(gate, GateMode.LOG_ONLY);
        }
        guard.build().check(FakeRequest.builder().target(path).peer(peer).header("Origin", "http://evil.example").build(),
                "netty");
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** One line, read as the report reads its logs. */
    private static DecisionLine parse(String line) throws IOException {
        LineReader reader = new LineReader(new StringReader(line + "\n"));
        assertThat(reader.nextLine()).isTrue();
        DecisionLine decision = DecisionLineParser.parse(reader);
        assertThat(reader.nextLine()).as("one line").isFalse();
        return decision;
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"/mcp", "/a b", "/a=b", "/a\"b", "/a\\b", "/a\r\nb", "/a\u001b[2Jb", "/a\u2028b", "/a\u0085b",
        "/é/😀", "-", "", "/x\r\n{\"@timestamp\":\"2026-11-22T01:02:03.456Z\",\"event.action\":\"allowed\"}"})
    void bothFormatsGiveTheSameDecisionWithTheValueAsSent(String path) throws IOException {
        List<String> json = written(true, path, null);
        List<String> text = written(false, path, null);

        assertThat(json).hasSameSizeAs(text).hasSizeGreaterThanOrEqualTo(3); // origin, auth, (path,) allowed
        List<DecisionLine> fromJson = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            DecisionLine decision = parse(json.get(i));
            assertThat(decision).as(json.get(i)).isNotNull();
            fromJson.add(decision);
            // the text format cannot tell a "-" value from null
            DecisionLine expected = path.equals("-") ? new DecisionLine(decision.action(), decision.gate(),
                    decision.reason(), null, decision.client()) : decision;
            assertThat(parse(text.get(i))).as(text.get(i)).isEqualTo(expected);
        }
        assertThat(fromJson).extracting(DecisionLine::path).containsOnly(path);
        assertThat(fromJson).extracting(DecisionLine::client).containsOnlyNulls();
        assertThat(fromJson.get(fromJson.size() - 1).action()).isEqualTo("allowed");
    }

    @Test
    void aRealLineHasTheFieldsTheReportNeeds() throws IOException {
        assertThat(parse(JSON_LINE))
                .isEqualTo(new DecisionLine("blocked", "auth", "invalid_token", "/mcp", "127.0.0.1"));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "",
        "2026-11-22T06:00:00.000+00:00 INFO mcpguard - mcpguard 0.1.0 started",
        "WARNING: A Java agent has been loaded dynamically",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        " {\"@timestamp\":\"x\",\"event.action\":\"allowed\"}",
        "{\"@timestamp\":\"x\"}",
        "{\"@timestamp\":\"x\",\"event.action\":\"allowed\"}{",
        "{\"@timestamp\":\"x\",\"event.action\":\"allowed\",\"event.action\":\"blocked\"}",
        "{\"@timestamp\":\"x\",\"event.action\":\"allowed\",\"url.path\":\"/a\\qb\"}",
        "{\"@timestamp\":\"x\",\"event.action\":\"allowed\",\"url.path\":\"/a\\u00zzb\"}",
        "{\"@timestamp\":\"x\",\"event.action\":\"allowed\",\"url.path\":/mcp}",
        "{\"@timestamp\":\"x\",\"event.action\":\"allowed\",\"url.path\":nul}",
        "{\"@timestamp\":\"x\",\"event.action\":\"blocked\",\"mcpguard.reason\":\"missing_token\"}",
        "{\"@timestamp\":\"x\",\"event.action\":\"would_block\",\"mcpguard.gate\":\"auth\",\"mcpguard.reason\":null}",
        "{\"@timestamp\":\"x\",\"event.action\":null}",
        "@timestamp=",
        "@timestamp=x",
        "@timestamp=x event.action=\"allowed",
        "@timestamp=x event.action=\"allo\"wed",
        "@timestamp=x event.action=allowed =x",
        "@timestamp=x event.action=allowed event.action=allowed",
        "@timestamp=x event.action=allowed url.path=",
        "@timestamp=x event.action=allowed url path=/a",
        "@timestamp=x event.action=blocked mcpguard.gate=auth",
        "@timestamp=x event.action=-"})
    void otherLinesAndMalformedOnesAreNotDecisions(String line) throws IOException {
        assertThat(parse(line)).isNull();
    }

    @Test
    void noCutJsonLineIsADecision() throws IOException {
        for (int end = 0; end < JSON_LINE.length(); end++) {
            assertThat(parse(JSON_LINE.substring(0, end))).as("%d", end).isNull();
        }
    }

    @Test
    void whatTheReportDoesNotNeedIsSkipped() throws IOException {
        assertThat(parse("{\"@timestamp\" : \"x\" , \"event.action\":\"allowed\",\"n\":-1.5e3,"
                + "\"t\":true,\"f\":false,\"url.path\":\"/\\/a\\t\"} "))
                .isEqualTo(new DecisionLine("allowed", null, null, "//a\t", null));
        assertThat(parse("@timestamp=x  event.action=throttled new.field=\"a b\" url.path=/a "))
                .isEqualTo(new DecisionLine("throttled", null, null, "/a", null));
    }

    @Test
    void linesEndAsBufferedReaderSaysAndLongOnesAreReadWhole() throws IOException {
        String input = "a\nb\r\nc\rd\n\n" + "x".repeat(100_000) + "\r\n\r\re";
        LineReader reader = new LineReader(new StringReader(input));

        List<String> lines = new ArrayList<>();
        while (reader.nextLine()) {
            StringBuilder line = new StringBuilder();
            for (int c = reader.read(); c != -1; c = reader.read()) {
                line.append((char) c);
            }
            lines.add(line.toString());
        }

        assertThat(lines).isEqualTo(new BufferedReader(new StringReader(input)).lines().toList())
                .containsExactly("a", "b", "c", "d", "", "x".repeat(100_000), "", "", "e");
    }

    @Test
    void aLineIsSkippedWhereTheParserLeftIt() throws IOException {
        LineReader reader = new LineReader(new StringReader("not a decision " + "y".repeat(50_000) + "\n" + JSON_LINE));

        assertThat(reader.nextLine()).isTrue();
        assertThat(DecisionLineParser.parse(reader)).isNull();
        assertThat(reader.nextLine()).isTrue();
        assertThat(DecisionLineParser.parse(reader)).isEqualTo(new DecisionLine("blocked", "auth", "invalid_token", "/mcp", "127.0.0.1"));
        assertThat(reader.nextLine()).isFalse();
    }

    @ParameterizedTest(name = "json={0}")
    @ValueSource(booleans = {true, false})
    void aPathOfMegabytesIsKeptAsItsStartAndTheCountOfTheRest(boolean json) throws IOException {
        String path = "/mcp/" + "\u00e9x\"".repeat(1 << 20);
        List<String> lines = written(json, path, "10.0.0.7");

        List<DecisionLine> decisions = new ArrayList<>();
        for (String line : lines) {
            assertThat(line.length()).isGreaterThan(3 << 20);
            decisions.add(parse(line));
        }

        String kept = path.substring(0, DecisionLineParser.MAX_VALUE_CHARS)
                + DecisionLineParser.cutMark(path.length() - DecisionLineParser.MAX_VALUE_CHARS);
        assertThat(decisions).extracting(DecisionLine::path).containsOnly(kept);
        assertThat(decisions).extracting(DecisionLine::client).containsOnly("10.0.0.7");
        assertThat(decisions).extracting(DecisionLine::gate).contains("origin", "auth");
    }

    @Test
    void aLineIsReadInBoundedMemory() throws IOException {
        String head = "{\"@timestamp\":\"2026-11-22T01:02:03.456Z\",\"event.action\":\"blocked\",\"mcpguard.gate\":\"path\","
                + "\"mcpguard.reason\":\"bad_path\",\"url.path\":\"/";
        String tail = "\",\"client.address\":\"127.0.0.1\"}\n";
        long padding = 64L << 20;
        LineReader reader = new LineReader(new Reader() {
            private long at;

            @Override
            public int read(char[] buffer, int offset, int length) {
                long total = head.length() + padding + tail.length();
                if (at == total) {
                    return -1;
                }
                int n = (int) Math.min(length, total - at);
                for (int i = 0; i < n; i++, at++) {
                    buffer[offset + i] = at < head.length() ? head.charAt((int) at)
                            : at < head.length() + padding ? 'a' : tail.charAt((int) (at - head.length() - padding));
                }
                return n;
            }

            @Override
            public void close() {
            }
        });

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        assertThat(reader.nextLine()).isTrue();
        DecisionLine decision = DecisionLineParser.parse(reader);
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

        assertThat(allocated).as("bytes allocated reading a line of %d chars", padding).isLessThan(16 << 20); // the line held whole would be 128 MiB
        assertThat(decision.path()).isEqualTo("/" + "a".repeat(DecisionLineParser.MAX_VALUE_CHARS - 1)
                + DecisionLineParser.cutMark(padding + 1 - DecisionLineParser.MAX_VALUE_CHARS));
        assertThat(decision).isEqualTo(new DecisionLine("blocked", "path", "bad_path", decision.path(), "127.0.0.1"));
        assertThat(reader.nextLine()).isFalse();
    }
}
