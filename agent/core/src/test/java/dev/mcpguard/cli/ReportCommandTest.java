package dev.mcpguard.cli;

import dev.mcpguard.testing.TestGuard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.audit.DecisionLog;
import dev.mcpguard.core.FakeRequest;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import dev.mcpguard.testing.StrictJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.mcpguard.testing.QuietLog;
import java.io.OutputStream;

/** The {@code report} command on logs written by the real {@link DecisionLog}. */
class ReportCommandTest {
    private static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    /** The stderr of one instance: operator log lines around what the real audit trail wrote. */
    static String instanceLog(boolean json, GateMode mode, boolean logAllowed, List<FakeRequest.Builder> traffic) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stderr = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        stderr.println("2026-11-22T06:00:00.000+00:00 INFO mcpguard - mcpguard 0.1.0 started");
        stderr.println("WARNING: A Java agent has been loaded dynamically");
        AuditTrail trail = new AuditTrail(new DecisionLog(json, () -> stderr), logAllowed, QuietLog.LOG);
        TestGuard guard = TestGuard.builder().sink(trail).knob("MCPGUARD_TOKEN", TOKEN);
        for (GateName gate : GateName.values()) {
            guard.mode(gate, mode);
        }
        Guard built = guard.build();
        for (FakeRequest.Builder request : traffic) {
            built.check(request.build(), "servlet-jakarta");
        }
        stderr.println("2026-11-22T06:05:00.000+00:00 WARN mcpguard - token file changed");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static FakeRequest.Builder request() {
        return FakeRequest.builder().method("POST").target("/mcp").peer("127.0.0.1").header("Host", "localhost");
    }

    private static FakeRequest.Builder authorized() {
        return request().header("Authorization", "Bearer " + TOKEN);
    }

    /** Each request trips at most one gate, so that enforcing and log-only log the same refusals. */
    static List<FakeRequest.Builder> traffic() {
        return List.of(
                request(),
                request().peer("10.0.0.7"),
                request().target("/mcp/admin"),
                request().header("Authorization", "Bearer wrong"),
                authorized().header("Origin", "http://evil.example"),
                authorized().target("/a/../../etc/passwd"),
                authorized(),
                authorized().method("GET").target("/healthz"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object json) {
        return (Map<String, Object>) json;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object json) {
        return (List<Object>) json;
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private int run(InputStream stdin, String... args) {
        return ReportCommand.run(List.of(args), stdin,
                new PrintStream(outBytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private int run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    /** Logs named as an operator would type them: the names are column headers. */
    private Path[] enforcingAndLogOnly() throws IOException {
        Path enforce = Path.of("target", "enforce.log");
        Path logOnly = Path.of("target", "logonly.log");
        Files.writeString(enforce, instanceLog(true, GateMode.ENFORCE, false, traffic()), StandardCharsets.UTF_8);
        Files.writeString(logOnly, instanceLog(false, GateMode.LOG_ONLY, true, traffic()), StandardCharsets.UTF_8);
        return new Path[] {enforce, logOnly};
    }

    @AfterEach
    void removeLogs() throws IOException {
        Files.deleteIfExists(Path.of("target", "enforce.log"));
        Files.deleteIfExists(Path.of("target", "logonly.log"));
    }

    @Test
    void comparesAnEnforcingAndALogOnlyInstance() throws IOException {
        Path[] logs = enforcingAndLogOnly();

        assertThat(run(logs[0].toString(), logs[1].toString())).isZero();

        assertThat(err()).isEmpty();
        assertThat(out()).isEqualTo(String.join(System.lineSeparator(),
                "log                 decisions  blocked  would_block  allowed  other",
                "target/enforce.log          6        6            0        0      3",
                "target/logonly.log         14        0            6        8      3",
                "",
                "gate    reason              action       target/enforce.log  target/logonly.log  total",
                "path    bad_path            blocked                       1                   0      1",
                "path    bad_path            would_block                   0                   1      1",
                "origin  origin_not_allowed  blocked                       1                   0      1",
                "origin  origin_not_allowed  would_block                   0                   1      1",
                "auth    missing_token       blocked                       3                   0      3",
                "auth    missing_token       would_block                   0                   3      3",
                "auth    invalid_token       blocked                       1                   0      1",
                "auth    invalid_token       would_block                   0                   1      1",
                "",
                "top paths and clients of each row, over all logs (at most 3 each):",
                "path/bad_path/blocked",
                "  paths    1  /a/../../etc/passwd",
                "  clients  1  127.0.0.1",
                "path/bad_path/would_block",
                "  paths    1  /a/../../etc/passwd",
                "  clients  1  127.0.0.1",
                "origin/origin_not_allowed/blocked",
                "  paths    1  /mcp",
                "  clients  1  127.0.0.1",
                "origin/origin_not_allowed/would_block",
                "  paths    1  /mcp",
                "  clients  1  127.0.0.1",
                "auth/missing_token/blocked",
                "  paths    2  /mcp",
                "           1  /mcp/admin",
                "  clients  2  127.0.0.1",
                "           1  10.0.0.7",
                "auth/missing_token/would_block",
                "  paths    2  /mcp",
                "           1  /mcp/admin",
                "  clients  2  127.0.0.1",
                "           1  10.0.0.7",
                "auth/invalid_token/blocked",
                "  paths    1  /mcp",
                "  clients  1  127.0.0.1",
                "auth/invalid_token/would_block",
                "  paths    1  /mcp",
                "  clients  1  127.0.0.1",
                ""));
        assertThat(out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void jsonHasTheSameNumbersAndParsesBack() throws IOException {
        Path[] logs = enforcingAndLogOnly();

        assertThat(run("--json", "--top", "1", logs[0].toString(), logs[1].toString())).isZero();

        assertThat(out()).endsWith(System.lineSeparator()).hasLineCount(1);
        Map<String, Object> report = map(StrictJson.parse(out().strip()));
        assertThat(report.keySet()).containsExactly("logs", "rows");
        assertThat(list(report.get("logs"))).containsExactly(
                Map.of("name", "target/enforce.log", "decisions", 6L, "blocked", 6L, "would_block", 0L, "allowed", 0L,
                        "other_lines", 3L),
                Map.of("name", "target/logonly.log", "decisions", 14L, "blocked", 0L, "would_block", 6L, "allowed", 8L,
                        "other_lines", 3L));
        List<Object> rows = list(report.get("rows"));
        assertThat(rows).hasSize(8);
        Map<String, Object> missingToken = map(rows.get(4));
        assertThat(new ArrayList<>(missingToken.keySet()))
                .containsExactly("gate", "reason", "action", "counts", "total", "top_paths", "top_clients");
        assertThat(missingToken).containsEntry("gate", "auth").containsEntry("reason", "missing_token")
                .containsEntry("action", "blocked").containsEntry("total", 3L)
                .containsEntry("counts", Map.of("target/enforce.log", 3L, "target/logonly.log", 0L))
                .containsEntry("top_paths", List.of(Map.of("value", "/mcp", "count", 2L)))
                .containsEntry("top_clients", List.of(Map.of("value", "127.0.0.1", "count", 2L)));
        assertThat(rows).extracting(row -> map(row).get("gate") + "/" + map(row).get("reason") + "/"
                + map(row).get("action")).containsExactly(
                "path/bad_path/blocked", "path/bad_path/would_block",
                "origin/origin_not_allowed/blocked", "origin/origin_not_allowed/would_block",
                "auth/missing_token/blocked", "auth/missing_token/would_block",
                "auth/invalid_token/blocked", "auth/invalid_token/would_block");
    }

    @Test
    void readsStandardInputForADash() throws IOException {
        String log = instanceLog(false, GateMode.ENFORCE, false, traffic());
        Path json = file("json.log", instanceLog(true, GateMode.ENFORCE, false, traffic()));

        int status = run(new ByteArrayInputStream(log.getBytes(StandardCharsets.UTF_8)), "--json", "-", json.toString());

        assertThat(status).isZero();
        Map<String, Object> report = map(StrictJson.parse(out().strip()));
        assertThat(list(report.get("logs"))).extracting(log1 -> map(log1).get("name"))
                .containsExactly("stdin", json.toString());
        assertThat(list(report.get("logs"))).extracting(log1 -> map(log1).get("blocked"))
                .containsExactly(6L, 6L);
        assertThat(map(list(report.get("rows")).get(0)).get("counts"))
                .isEqualTo(Map.of("stdin", 1L, json.toString(), 1L));
    }

    @Test
    void logsWithoutRefusalsSaySo() throws IOException {
        Path allowed = file("allowed.log", instanceLog(false, GateMode.ENFORCE, true, List.of(authorized())));

        assertThat(run(allowed.toString(), "-")).isZero();

        assertThat(out()).containsPattern("allowed\\.log +1 +0 +0 +1 +3\nstdin +0 +0 +0 +0 +0\n\nno refusals\n$");
    }

    @Test
    void readsBothFormatsInOneLog() throws IOException {
        Path mixed = file("mixed.log", instanceLog(true, GateMode.LOG_ONLY, false, traffic())
                + "application output\n" + instanceLog(false, GateMode.LOG_ONLY, false, traffic()));

        assertThat(run("--top", "0", mixed.toString())).isZero();

        assertThat(out()).containsPattern("mixed\\.log +12 +0 +12 +0 +7\n")
                .containsPattern("\nauth +missing_token +would_block +6 +6\n")
                .doesNotContain("top paths");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "''|no log file given",
        "--json|no log file given",
        "--top|--top needs a number",
        "--top x a.log|--top needs a number of 0 or more, not x",
        "--top -1 a.log|--top needs a number of 0 or more, not -1",
        "--frobnicate a.log|unknown option --frobnicate",
        "a.log a.log|two logs named a.log",
        "- -|two logs named stdin"})
    void aUsageErrorIsOneLineAndStatusTwo(String args, String message) {
        List<String> list = args.isEmpty() ? List.of() : List.of(args.split(" "));

        int status = ReportCommand.run(list, InputStream.nullInputStream(),
                new PrintStream(outBytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("report: " + message + "; usage: report [--json] [--top N] FILE..."
                + System.lineSeparator());
    }

    @Test
    void aDoubleDashEndsTheOptions() throws IOException {
        Path log = file("--json", "");

        assertThat(run("--", log.toString())).isZero();
        assertThat(run("--top", "2", "--", "--json")).isEqualTo(2);

        assertThat(err()).isEqualTo("report: cannot read --json: no such file" + System.lineSeparator());
    }

    @Test
    void anUnreadableLogIsNamedWithoutAStackTrace() throws IOException {
        Path good = file("good.log", instanceLog(true, GateMode.ENFORCE, false, traffic()));
        Path missing = dir.resolve("missing.log");

        assertThat(run(good.toString(), missing.toString())).isEqualTo(2);
        assertThat(err()).isEqualTo("report: cannot read " + missing + ": no such file" + System.lineSeparator());
        assertThat(out()).isEmpty();

        errBytes.reset();
        assertThat(run(dir.toString())).isEqualTo(2);
        assertThat(err()).startsWith("report: cannot read " + dir + ": ").hasLineCount(1).doesNotContain("Exception");
    }

    @Test
    void hostileValuesAreEscapedInTextAndExactInJson() throws IOException {
        String path = "/x\u001b[2J\u0007\r\n\u2028\u0085\u007f\u00e9\\u001b\"";
        String client = "10.0.0.9\u001b[31m";
        Path log = file("hostile.log", instanceLog(true, GateMode.ENFORCE, false, List.of(request().target(path)))
                + instanceLog(false, GateMode.LOG_ONLY, false, List.of(request().target(path).peer(client))));

        assertThat(run(log.toString())).isZero();

        String text = out();
        assertThat(text.replace(System.lineSeparator(), "").replace("\u2026", ""))
                .as("printable ASCII only").matches("[\\x20-\\x7e]*");
        assertThat(text).contains("  1  /x\\u001b[2J\\u0007\\u000d\\u000a\\u2028\\u0085\\u007f\\u00e9"
                        + "\\\\u001b\"" + System.lineSeparator())
                .contains("  1  10.0.0.9\\u001b[31m" + System.lineSeparator());

        outBytes.reset();
        assertThat(run("--json", log.toString())).isZero();
        assertThat(out().strip()).as("ASCII JSON").matches("[\\x20-\\x7e]*");
        List<Object> rows = list(map(StrictJson.parse(out().strip())).get("rows"));
        assertThat(rows).extracting(row -> map(row).get("top_paths"))
                .containsOnly(List.of(Map.of("value", path, "count", 1L)));
        assertThat(rows).extracting(row -> map(row).get("top_clients")).containsExactly(
                List.of(Map.of("value", "127.0.0.1", "count", 1L)), List.of(Map.of("value", client, "count", 1L)),
                List.of(Map.of("value", client, "count", 1L)));
    }

    @Test
    void bytesThatAreNotUtf8AndOverlongLinesDoNotStopTheReport() throws IOException {
        String text = refusal("blocked", "auth", "missing_token", "/a~") + "\n\u00ff\u00fe\n"
                + refusal("blocked", "auth", "missing_token", "/b~") + "\n" + "x".repeat(3 << 20) + "\n";
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '~') {
                bytes[i] = (byte) 0xc3; // a lead byte without its continuation
            }
        }

        assertThat(run(new ByteArrayInputStream(bytes), "--json", "-")).isZero();

        Map<String, Object> report = map(StrictJson.parse(out().strip()));
        assertThat(map(list(report.get("logs")).get(0))).containsEntry("blocked", 2L).containsEntry("other_lines", 2L);
        assertThat(map(list(report.get("rows")).get(0)).get("top_paths")).isEqualTo(List.of(
                Map.of("value", "/a\ufffd", "count", 1L), Map.of("value", "/b\ufffd", "count", 1L)));
    }

    @ParameterizedTest(name = "json={0}")
    @CsvSource({"true", "false"})
    void aRefusalWithAPathOfMegabytesIsCountedInItsRow(boolean json) throws IOException {
        String padded = "/mcp/" + "a".repeat(5 << 20);
        Path log = file("padded.log", instanceLog(json, GateMode.ENFORCE, false, List.of(
                request().target(padded).header("Authorization", "Bearer wrong"), request())));

        assertThat(run("--json", log.toString())).isZero();

        Map<String, Object> report = map(StrictJson.parse(out().strip()));
        assertThat(map(list(report.get("logs")).get(0))).containsEntry("decisions", 2L).containsEntry("blocked", 2L)
                .containsEntry("other_lines", 3L);
        List<Object> rows = list(report.get("rows"));
        assertThat(rows).extracting(row -> map(row).get("reason")).containsExactly("missing_token", "invalid_token");
        String kept = padded.substring(0, DecisionLineParser.MAX_VALUE_CHARS)
                + DecisionLineParser.cutMark(padded.length() - DecisionLineParser.MAX_VALUE_CHARS);
        assertThat(map(rows.get(1)).get("top_paths")).isEqualTo(List.of(Map.of("value", kept, "count", 1L)));
    }

    @Test
    void longValuesAreCutInTextOnly() throws IOException {
        String path = "/" + "a".repeat(69) + "\u001b" + "b".repeat(20);
        Path log = file("long.log", instanceLog(true, GateMode.ENFORCE, false, List.of(request().target(path))));

        assertThat(run(log.toString())).isZero();
        assertThat(out()).contains("  paths    1  /" + "a".repeat(69) + "\u2026" + System.lineSeparator());

        outBytes.reset();
        assertThat(run("--json", log.toString())).isZero();
        assertThat(out()).contains("{\"value\":\"" + "/" + "a".repeat(69) + "\\u001b" + "b".repeat(20) + "\",");
    }

    @Test
    void gatesAndReasonsOfNewerVersionsSortAfterKnownOnes() throws IOException {
        Path log = file("newer.log", String.join("\n",
                refusal("blocked", "ratelimit", "too_many_requests", "/mcp"),
                refusal("would_block", "auth", "expired_token", "/mcp"),
                refusal("blocked", "auth", "expired_token", "/mcp"),
                refusal("blocked", "auth", "missing_token", "/mcp"),
                refusal("blocked", "acl", "denied", "/mcp"),
                refusal("blocked", "body", "body_too_large", "/upload"),
                "{\"@timestamp\":\"2026-11-22T01:02:03.456Z\",\"event.action\":\"throttled\",\"url.path\":\"/mcp\"}",
                "@timestamp=2026-11-22T01:02:03.456Z event.action=blocked mcpguard.gate=loopback mcpguard.reason=gate_error "
                        + "http.response.status_code=503 http.request.method=- url.path=- client.address=- mcpguard.stack=netty",
                ""));

        assertThat(run(log.toString())).isZero();

        List<String> lines = out().lines().toList();
        assertThat(lines.get(1)).endsWith("  8        6            1        0      0");
        assertThat(lines.subList(3, 11)).extracting(line -> String.join(" ", List.of(line.split(" +")).subList(0, 3)))
                .containsExactly("gate reason action", "loopback gate_error blocked", "auth missing_token blocked",
                        "auth expired_token blocked", "auth expired_token would_block", "body body_too_large blocked",
                        "acl denied blocked", "ratelimit too_many_requests blocked");
        assertThat(out()).contains("loopback/gate_error/blocked" + System.lineSeparator()
                + "  paths    1  -" + System.lineSeparator() + "  clients  1  -" + System.lineSeparator());
    }

    private static String refusal(String action, String gate, String reason, String path) {
        return "{\"@timestamp\":\"2026-11-22T01:02:03.456Z\",\"event.action\":\"" + action + "\",\"mcpguard.gate\":\"" + gate
                + "\",\"mcpguard.reason\":\"" + reason + "\",\"http.response.status_code\":403,"
                + "\"http.request.method\":\"POST\",\"url.path\":\"" + path + "\",\"client.address\":\"127.0.0.1\","
                + "\"mcpguard.stack\":\"netty\"}";
    }

    @Test
    void tiesGoToTheSmallerValue() throws IOException {
        Path log = file("ties.log", String.join("\n", refusal("blocked", "auth", "missing_token", "/c"),
                refusal("blocked", "auth", "missing_token", "/b"), refusal("blocked", "auth", "missing_token", "/a"),
                refusal("blocked", "auth", "missing_token", "/c"), ""));

        assertThat(run("--top", "2", log.toString())).isZero();

        assertThat(out()).endsWith(String.join(System.lineSeparator(), "auth/missing_token/blocked",
                "  paths    2  /c", "           1  /a", "  clients  4  127.0.0.1", ""));
    }

    @Test
    void distinctValuesPastTheCapAreCountedTogether() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            lines.append(refusal("blocked", "auth", "missing_token", "/hot")).append('\n');
        }
        for (int i = 0; i < TopCounter.MAX_VALUES + 4; i++) {
            lines.append(refusal("blocked", "auth", "missing_token", String.format("/p%05d", i))).append('\n');
        }
        Path log = file("flood.log", lines.toString());

        assertThat(run(log.toString())).isZero();
        assertThat(out()).contains(String.join(System.lineSeparator(), "auth/missing_token/blocked",
                "  paths        5  (other)", "               3  /hot", "               1  /p00000",
                "  clients  10007  127.0.0.1", ""));

        outBytes.reset();
        assertThat(run("--json", log.toString())).isZero();
        Map<String, Object> row = map(list(map(StrictJson.parse(out().strip())).get("rows")).get(0));
        assertThat(list(row.get("top_paths"))).first()
                .isEqualTo(Map.of("value", "(other)", "count", 5L, "other", true));
    }

    @Test
    void longDistinctValuesArePastTheCapSooner() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            lines.append(refusal("blocked", "auth", "missing_token", String.format("/%03d", i) + "x".repeat(7_996)))
                    .append('\n');
        }
        Path log = file("long-paths.log", lines.toString());

        assertThat(run("--json", "--top", "1", log.toString())).isZero();

        Map<String, Object> row = map(list(map(StrictJson.parse(out().strip())).get("rows")).get(0));
        long kept = TopCounter.MAX_CHARS / 8_000;
        assertThat(list(row.get("top_paths"))).containsExactly(
                Map.of("value", "(other)", "count", 200 - kept, "other", true));
    }
}
