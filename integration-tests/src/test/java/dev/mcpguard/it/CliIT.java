package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent jar's commands ({@code java -jar mcpguard-agent.jar …}), run as an operator runs them. */
class CliIT {

    private static final String TOKEN = "cli-token";

    /** Every knob of design §3. */
    private static final List<String> KNOBS = List.of("MCPGUARD_MODE", "MCPGUARD_PATH_MODE", "MCPGUARD_LOOPBACK_MODE",
            "MCPGUARD_ORIGIN_MODE", "MCPGUARD_AUTH_MODE", "MCPGUARD_BODY_MODE", "MCPGUARD_BIND_MODE",
            "MCPGUARD_MAX_BODY_BYTES", "MCPGUARD_TOKEN", "MCPGUARD_TOKEN_FILE", "MCPGUARD_TOKEN_SHA256", "MCPGUARD_NO_AUTH",
            "MCPGUARD_REALM", "MCPGUARD_RESOURCE_METADATA_URL", "MCPGUARD_PUBLIC_PATHS", "MCPGUARD_LOOPBACK_PATHS",
            "MCPGUARD_ENV", "MCPGUARD_TRUST_PROD_LOOPBACK", "MCPGUARD_RELAY_HEADERS", "MCPGUARD_ALLOWED_ORIGINS", "MCPGUARD_ALLOWED_HOSTS",
            "MCPGUARD_BIND", "MCPGUARD_BIND_PORTS", "MCPGUARD_UNGATED_LISTENERS", "MCPGUARD_ON_ERROR", "MCPGUARD_LOG_ALLOWED",
            "MCPGUARD_LOG_FORMAT");

    private static Stack anyStack() {
        return Stacks.all().findFirst().orElseThrow();
    }

    @Test
    void checkPrintsTheEffectiveConfigurationWithSecretsRedactedAndFlags() {
        AgentCli.Result check = AgentCli.run(Map.of("MCPGUARD_TOKEN", TOKEN, "MCPGUARD_AUTH_MODE", "log-only",
                "MCPGUARD_TOKN", "typo-value"), null, "check");

        assertThat(check.code()).as(check.toString()).isZero();
        assertThat(check.stdout()).as(check.toString())
                .startsWith("mcpguard " + version() + ": configuration valid")
                .contains("  set MCPGUARD_TOKEN=<redacted>", "  set MCPGUARD_AUTH_MODE=log-only",
                        "  modes: path=enforce loopback=enforce origin=enforce auth=log-only rate=enforce mcp=enforce body=enforce bind=enforce egress=off",
                        "  egress: off (MCPGUARD_EGRESS_MODE)",
                        "  rate: no limit but token file rate= entries, buckets=this instance's",
                        "  mcp: session binding=on, tool scopes=any tool",
                        "relaxed: AUTH gate is log-only: its refusals are logged, not enforced",
                        "unknown: MCPGUARD_TOKN names no knob and is ignored (its value is not shown)");
        assertThat(check.out() + check.err()).doesNotContain(TOKEN).doesNotContain("typo-value");
    }

    @Test
    void checkFailsWithTheLineAndStatusTheAgentStopsTheJvmWith() {
        Map<String, String> bad = Map.of("MCPGUARD_MAX_BODY_BYTES", "12XB");

        AgentCli.Result check = AgentCli.run(bad, null, "check");
        DemoServer.Exit agent = DemoServer.runToExit(anyStack(), Launch.defaults().with("MCPGUARD_MAX_BODY_BYTES", "12XB"));

        assertThat(check.code()).isEqualTo(agent.code()).isEqualTo(78);
        assertThat(check.stdout()).isEmpty();
        assertThat(check.stderr()).isEqualTo(agent.stderr()).hasSize(1);
    }

    @Test
    void hashTokenGivesADigestTheAgentAccepts() {
        AgentCli.Result hash = AgentCli.run(Map.of(), TOKEN + "\n", "hash-token");
        assertThat(hash.code()).as(hash.toString()).isZero();
        assertThat(hash.stdout()).singleElement().asString().matches("[0-9a-f]{64}");
        assertThat(hash.out() + hash.err()).doesNotContain(TOKEN);

        try (DemoServer server = DemoServer.start(anyStack(),
                Launch.defaults().with("MCPGUARD_TOKEN_SHA256", hash.stdout().get(0)))) {
            Expect.passed(server.exchange(Request.get("/health").bearer(TOKEN)), 200);
            Expect.blocked(server.exchange(Request.get("/health").bearer(TOKEN + "x")), Refusal.INVALID_TOKEN, "GET", "/health");
        }
    }

    @Test
    void versionIsTheJarsImplementationVersion() {
        AgentCli.Result version = AgentCli.run(Map.of(), null, "version");

        assertThat(version.code()).isZero();
        assertThat(version.stdout()).containsExactly("mcpguard " + version());
    }

    @Test
    void helpListsEveryCommandAndEveryKnobWithItsDefault() {
        AgentCli.Result help = AgentCli.run(Map.of(), null, "--help");

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("check", "hash-token", "report", "attach PID", "version");
        for (String knob : KNOBS) {
            assertThat(help.stdout()).as(knob).anyMatch(line -> line.matches("  " + knob + " +\\S.*\\(default: .+\\)"));
        }
    }

    @Test
    void reportCountsTheDecisionsOfARealLog(@TempDir Path directory) throws IOException {
        Path log = directory.resolve("enforce.log");
        try (DemoServer server = DemoServer.start(anyStack(), Launch.standard())) {
            RawHttp.exchange(server.port(), Request.get("/health"));
            RawHttp.exchange(server.port(), Request.get("/mcp"));
            RawHttp.exchange(server.port(), Request.get("/health").bearer("wrong"));
            RawHttp.exchange(server.port(), Request.get("/inspector").bearer(Launch.TOKEN));
            server.exchange(Request.get("/health").bearer(Launch.TOKEN)); // waits for the log lines, adds one ORIGIN refusal
            Files.write(log, server.stderr().all());
        }

        AgentCli.Result report = AgentCli.runIn(directory, Map.of(), null, "report", "--json", "enforce.log");

        assertThat(report.code()).as(report.toString()).isZero();
        Map<String, Object> json = Expect.json(report.out());
        Map<?, ?> enforce = (Map<?, ?>) ((List<?>) json.get("logs")).get(0);
        assertThat(enforce.get("name")).isEqualTo("enforce.log");
        assertThat(((Number) enforce.get("blocked")).longValue()).isEqualTo(5);
        assertThat(((Number) enforce.get("other_lines")).longValue()).isPositive();
        assertThat(count(json, "auth", "missing_token")).isEqualTo(2);
        assertThat(count(json, "auth", "invalid_token")).isEqualTo(1);
        assertThat(count(json, "loopback", "loopback_only")).isEqualTo(1);
        assertThat(count(json, "origin", "origin_not_allowed")).isEqualTo(1);
    }

    private static long count(Map<String, Object> report, String gate, String reason) {
        for (Object member : (List<?>) report.get("rows")) {
            Map<?, ?> row = (Map<?, ?>) member;
            if (row.get("gate").equals(gate) && row.get("reason").equals(reason) && row.get("action").equals("blocked")) {
                return ((Number) row.get("total")).longValue();
            }
        }
        return 0;
    }

    private static String version() {
        try (JarFile jar = new JarFile(DemoServer.TestJars.agent().toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
