package dev.mcpguard.audit;

import dev.mcpguard.testing.TestGuard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.FakeRequest;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.StrictJson;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Design §7: one line per decision, fields in order, values escaped. */
class DecisionLogTest {
    private static final String TOKEN = "s3cret-token";
    private static final List<String> REFUSAL_FIELDS = List.of("@timestamp", "event.action", "mcpguard.gate",
            "mcpguard.reason", "http.response.status_code", "http.request.method", "url.path", "client.address",
            "mcpguard.stack");
    private static final List<String> ALLOWED_FIELDS = List.of("@timestamp", "event.action", "http.request.method",
            "url.path", "client.address", "user.name", "mcpguard.stack");
    /** One {@code key=value} pair of the text format; a quoted value is a JSON string. */
    private static final Pattern TEXT_FIELD = Pattern.compile("([a-z@._]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|[^ \"]+)");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    /** Gates the request in the mode, then writes every decision recorded for it. */
    private String log(boolean json, GateMode mode, FakeRequest.Builder request) {
        RecordingSink sink = new RecordingSink();
        TestGuard guard = TestGuard.builder().sink(sink).knob("MCPGUARD_TOKEN", TOKEN);
        for (GateName gate : GateName.values()) {
            guard.mode(gate, mode);
        }
        guard.build().check(request.build(), "servlet-jakarta");
        DecisionLog log = new DecisionLog(json, () -> out);
        for (RecordingSink.Decision decision : sink.decisions()) {
            log.write(decision.action(), decision.refusal(), decision.verdict());
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String> lines(String output) {
        assertThat(output).endsWith(System.lineSeparator());
        List<String> lines = List.of(output.split(System.lineSeparator(), -1));
        List<String> content = lines.subList(0, lines.size() - 1);
        for (String line : content) {
            assertThat(line).doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0085");
        }
        return content;
    }

    private static Map<String, Object> onlyJsonLine(String output) {
        List<String> lines = lines(output);
        assertThat(lines).hasSize(1);
        return StrictJson.parseFlatObject(lines.get(0));
    }

    private static Map<String, String> parseText(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = TEXT_FIELD.matcher(line);
        int end = 0;
        while (matcher.find() && matcher.start() == (end == 0 ? 0 : end + 1)) {
            assertThat(end == 0 || line.charAt(end) == ' ').isTrue();
            String value = matcher.group(2);
            fields.put(matcher.group(1), value.startsWith("\"") ? StrictJson.parseString(value) : value);
            end = matcher.end();
        }
        assertThat(end).as("every character of the line belongs to a field: %s", line).isEqualTo(line.length());
        return fields;
    }

    private static FakeRequest.Builder request() {
        return FakeRequest.builder().method("POST").target("/mcp").peer("127.0.0.1").header("Host", "localhost");
    }

    @Test
    void blockedLineHasTheDesignFieldsInOrder() {
        String output = log(true, GateMode.ENFORCE, request().header("Authorization", "Bearer wrong-" + TOKEN));

        String line = lines(output).get(0);
        Map<String, Object> fields = onlyJsonLine(output);
        assertThat(new ArrayList<>(fields.keySet())).containsExactlyElementsOf(REFUSAL_FIELDS);
        assertThat(line).matches("\\{\"@timestamp\":\"[^\"]+\",\"event\\.action\":\"blocked\",\"mcpguard\\.gate\":\"auth\","
                + "\"mcpguard\\.reason\":\"invalid_token\",\"http\\.response\\.status_code\":401,"
                + "\"http\\.request\\.method\":\"POST\",\"url\\.path\":\"/mcp\",\"client\\.address\":\"127\\.0\\.0\\.1\","
                + "\"mcpguard\\.stack\":\"servlet-jakarta\"}");
        Instant timestamp = Instant.parse((String) fields.get("@timestamp"));
        assertThat(timestamp).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(line).doesNotContain(TOKEN, "Bearer", "authorization", "Authorization");
    }

    @Test
    void wouldBlockKeepsTheStatusEnforcingWouldSend() {
        String output = log(true, GateMode.LOG_ONLY, request().header("Origin", "http://evil.example"));

        List<String> lines = lines(output);
        assertThat(lines).hasSize(3); // origin, auth (no token), then allowed
        Map<String, Object> origin = StrictJson.parseFlatObject(lines.get(0));
        assertThat(new ArrayList<>(origin.keySet())).containsExactlyElementsOf(REFUSAL_FIELDS);
        assertThat(origin).containsEntry("event.action", "would_block").containsEntry("mcpguard.gate", "origin")
                .containsEntry("mcpguard.reason", "origin_not_allowed").containsEntry("http.response.status_code", 403L);
        assertThat(StrictJson.parseFlatObject(lines.get(1))).containsEntry("event.action", "would_block")
                .containsEntry("http.response.status_code", 401L);
    }

    @Test
    void allowedLinesHaveNoGateReasonOrStatus() {
        Map<String, Object> fields = onlyJsonLine(log(true, GateMode.ENFORCE, request().method("GET").target("/a//b/")
                .header("Authorization", "Bearer " + TOKEN)));

        assertThat(new ArrayList<>(fields.keySet())).containsExactlyElementsOf(ALLOWED_FIELDS);
        assertThat(fields).containsEntry("event.action", "allowed").containsEntry("http.request.method", "GET")
                .containsEntry("url.path", "/a/b").containsEntry("mcpguard.stack", "servlet-jakarta");
    }

    @Test
    void theQueryIsNeverLogged() {
        String output = log(true, GateMode.ENFORCE, request().target("/mcp?access_token=" + TOKEN));

        assertThat(onlyJsonLine(output)).containsEntry("mcpguard.reason", "invalid_request").containsEntry("url.path", "/mcp");
        assertThat(output).doesNotContain(TOKEN, "access_token", "?");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "/a\r\nb", "/a\nb", "/a\rb", "/x\r\n{\"event.action\":\"allowed\"}", "/a\"b", "/a\\b", "/a\u2028b", "/a\u2029b",
        "/a\u0000b", "/a\tb", "/a\u007fb", "/a\u0085b", "/é/😀", "/a%0d%0ab"})
    void hostilePathsStayOnOneLineAndRoundTrip(String path) {
        String output = log(true, GateMode.ENFORCE, request().target(path).header("Authorization", "Bearer " + TOKEN));

        Map<String, Object> fields = onlyJsonLine(output);
        assertThat(fields.get("url.path")).isEqualTo(path);
    }

    @Test
    void aMegabyteOfControlsIsEscapedOnOneLine() {
        String path = "/" + "\u0085\u2028\u0001\u009f".repeat(1 << 17);
        String output = log(true, GateMode.ENFORCE, request().target(path).header("Authorization", "Bearer " + TOKEN));

        assertThat(output).contains("\\u0085\\u2028\\u0001\\u009f");
        assertThat(onlyJsonLine(output).get("url.path")).isEqualTo(path);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"/a\r\nb", "/a\"b c", "/a\\b", "/a\u2028b", "/a=b", "/a b"})
    void textFormatHasTheSameFieldsOnOneLine(String path) {
        String json = log(true, GateMode.LOG_ONLY, request().target(path).header("Origin", "http://evil.example"));
        bytes.reset();
        String text = log(false, GateMode.LOG_ONLY, request().target(path).header("Origin", "http://evil.example"));

        List<String> jsonLines = lines(json);
        List<String> textLines = lines(text);
        assertThat(textLines).hasSameSizeAs(jsonLines);
        for (int i = 0; i < textLines.size(); i++) {
            Map<String, Object> expected = StrictJson.parseFlatObject(jsonLines.get(i));
            Map<String, String> actual = parseText(textLines.get(i));
            assertThat(new ArrayList<>(actual.keySet())).containsExactlyElementsOf(expected.keySet());
            expected.remove("@timestamp");
            expected.forEach((name, value) -> assertThat(actual.get(name)).as(name).isEqualTo(String.valueOf(value)));
        }
    }

    @Test
    void textFormatExample() {
        String text = log(false, GateMode.ENFORCE, request());

        assertThat(lines(text)).singleElement().asString().matches("@timestamp=\\S+Z event\\.action=blocked "
                + "mcpguard\\.gate=auth mcpguard\\.reason=missing_token http\\.response\\.status_code=401 "
                + "http\\.request\\.method=POST url\\.path=/mcp client\\.address=127\\.0\\.0\\.1 "
                + "mcpguard\\.stack=servlet-jakarta");
    }

    @Test
    void anUnknownClientIsWrittenAsNull() {
        Map<String, Object> fields = onlyJsonLine(log(true, GateMode.ENFORCE, request().peer(null)));

        assertThat(fields).containsEntry("client.address", null);
    }

    @Test
    void theLineGoesToTheStreamOfTheMoment() {
        ByteArrayOutputStream later = new ByteArrayOutputStream();
        PrintStream[] current = {out};
        RecordingSink sink = new RecordingSink();
        TestGuard.builder().sink(sink).build().check(request().build(), "netty");
        DecisionLog log = new DecisionLog(true, () -> current[0]);
        RecordingSink.Decision decision = sink.decisions().get(0);

        log.write(decision.action(), decision.refusal(), decision.verdict());
        current[0] = new PrintStream(later, true, StandardCharsets.UTF_8);
        log.write(decision.action(), decision.refusal(), decision.verdict());

        assertThat(lines(bytes.toString(StandardCharsets.UTF_8))).hasSize(1);
        assertThat(lines(later.toString(StandardCharsets.UTF_8))).hasSize(1);
        assertThat(decision.action()).isEqualTo(Action.BLOCKED);
    }

    @Test
    void theJsonCheckerRejectsWhatItShould() {
        assertThatIllegalArgumentException().isThrownBy(() -> StrictJson.parseFlatObject("{\"a\":\"x\ny\"}"));
        assertThatIllegalArgumentException().isThrownBy(() -> StrictJson.parseFlatObject("{\"a\":\"x\\qy\"}"));
        assertThatIllegalArgumentException().isThrownBy(() -> StrictJson.parseFlatObject("{\"a\":\"x\"}{"));
        assertThatIllegalArgumentException().isThrownBy(() -> StrictJson.parseFlatObject("{\"a\":1,\"a\":2}"));
        assertThat(StrictJson.parseFlatObject("{\"a\":\"\\u2028\\\"\",\"b\":-1,\"c\":null}"))
                .containsEntry("a", "\u2028\"").containsEntry("b", -1L).containsEntry("c", null);
    }
}
