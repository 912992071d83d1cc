package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.mcpguard.it.Stacks.Stack;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code java -jar mcpguard-agent.jar attach PID}: a server started without the agent is gated from the next
 * request on, with the knobs of the attaching command; an invalid knob or a second attach changes nothing.
 */
class AttachIT {

    private static final String PATH = "/health";
    private static final Map<String, String> KNOBS = Map.of("MCPGUARD_TOKEN", TOKEN, "MCPGUARD_LOOPBACK_PATHS", "/inspector");

    @RegisterExtension
    static final DemoServers ON_LOOPBACK = DemoServers.of(Launch.defaults().withoutAgent());

    @RegisterExtension
    static final DemoServers ON_ALL_INTERFACES = DemoServers.of(Launch.defaults().withoutAgent().listeningOn("0.0.0.0"));

    @OnEachStack
    void gatesARunningServerFromTheNextRequestOnAndOnlyOnce(Stack stack) {
        DemoServer server = ON_LOOPBACK.on(stack);
        String pid = Long.toString(server.pid());
        assertThat(RawHttp.exchange(server.port(), Request.get(PATH)).status()).as("before the attach").isEqualTo(200);

        AgentCli.Result invalid = AgentCli.run(Map.of("MCPGUARD_TOKEN", TOKEN, "MCPGUARD_MODE", "bogus"), null, "attach", pid);
        assertThat(invalid.code()).as(invalid.toString()).isEqualTo(78);
        assertThat(invalid.stderr()).as(invalid.toString())
                .containsExactly("mcpguard: invalid MCPGUARD_MODE=\"bogus\": expected enforce, log-only or off");
        assertThat(RawHttp.exchange(server.port(), Request.get(PATH)).status()).as("after an invalid attach").isEqualTo(200);

        AgentCli.Result attach = AgentCli.run(KNOBS, null, "attach", pid);
        assertThat(attach.code()).as(attach.toString()).isZero();
        assertThat(attach.stdout().get(0)).as(attach.toString()).matches("mcpguard \\S+ attached");
        assertThat(attach.stdout()).as(attach.toString())
                .anyMatch(line -> line.startsWith("  instrumented now: " + stack.family() + " ("))
                .anyMatch(line -> line.startsWith("  instrumented now: bind ("))
                .contains("  listening: 127.0.0.1:" + server.port() + " (as the BIND gate allows)")
                .noneMatch(line -> line.contains("NOT GATED") || line.contains(TOKEN));

        Expect.blocked(server.exchange(Request.get(PATH)), Refusal.MISSING_TOKEN, "GET", PATH);
        Expect.blocked(server.exchange(Request.get("/inspector/").bearer(TOKEN)), Refusal.LOOPBACK_ONLY, "GET", "/inspector");
        Expect.passed(server.exchange(Request.get(PATH).bearer(TOKEN)), 200);
        server.awaitStderrLine("INFO mcpguard - mcpguard", " attached");
        assertThat(server.stderr().all()).noneMatch(line -> line.contains(TOKEN));

        AgentCli.Result again = AgentCli.run(Map.of("MCPGUARD_NO_AUTH", "1"), null, "attach", pid);
        assertThat(again.code()).as(again.toString()).isEqualTo(1);
        assertThat(again.stderr()).as(again.toString())
                .containsExactly("mcpguard: attach to " + pid + " failed: mcpguard is already active in this JVM; nothing was changed");
        Expect.blocked(server.exchange(Request.get(PATH)), Refusal.MISSING_TOKEN, "GET", PATH);
    }

    @OnEachStack
    void reportsASocketListeningWiderThanTheBindGateAllows(Stack stack) {
        DemoServer server = ON_ALL_INTERFACES.on(stack);

        AgentCli.Result attach = AgentCli.run(KNOBS, null, "attach", Long.toString(server.pid()));

        assertThat(attach.code()).as(attach.toString()).isZero();
        assertThat(attach.stdout()).as(attach.toString()).anyMatch(line -> line.matches(
                "  LISTENING WIDER THAN MCPGUARD_BIND=127\\.0\\.0\\.1: (0\\.0\\.0\\.0|\\[::]):" + server.port()
                        + " \\(the BIND gate cannot move a socket already listening; restart with -javaagent to narrow it\\)"));
    }

    @Test
    void failsWithTheReasonWhenNoSuchJvmExists() {
        AgentCli.Result attach = AgentCli.run(KNOBS, null, "attach", "2147483647");

        assertThat(attach.code()).as(attach.toString()).isEqualTo(1);
        assertThat(attach.stderr()).as(attach.toString()).singleElement(STRING)
                .startsWith("mcpguard: attach to 2147483647 failed: ");
    }
}
