package dev.mcpguard.audit;

import dev.mcpguard.testing.TestGuard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.FakeRequest;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Reason;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sink the agent uses: counts everything, logs refusals, and allowed requests only when asked. */
class AuditTrailTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicInteger errorLines = new AtomicInteger();
    private final OperatorLog operatorLog = new OperatorLog(new PrintStream(OutputStream.nullOutputStream()) {
        @Override
        public void println(String line) {
            if (line.contains(" ERROR mcpguard - ")) {
                errorLines.incrementAndGet();
            }
        }
    });

    private AuditTrail trail(boolean logAllowed) {
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        return new AuditTrail(new DecisionLog(true, () -> out), logAllowed, operatorLog);
    }

    private long lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().count();
    }

    @ParameterizedTest(name = "logAllowed={0}")
    @ValueSource(booleans = {false, true})
    void countsEveryDecisionAndLogsAllowedOnlyWhenAsked(boolean logAllowed) {
        AuditTrail trail = trail(logAllowed);
        Guard guard = TestGuard.builder().sink(trail).mode(GateName.ORIGIN, GateMode.LOG_ONLY)
                .knob("MCPGUARD_PUBLIC_PATHS", "/.well-known/oauth-protected-resource").build();

        guard.check(FakeRequest.builder().header("Origin", "null").build(), "test"); // would_block + blocked
        guard.check(FakeRequest.builder().target("/.well-known/oauth-protected-resource").build(), "test"); // allowed

        Counters counters = trail.counters();
        assertThat(counters.count(Action.WOULD_BLOCK, GateName.ORIGIN, Reason.ORIGIN_NOT_ALLOWED)).isEqualTo(1);
        assertThat(counters.count(Action.BLOCKED, GateName.AUTH, Reason.MISSING_TOKEN)).isEqualTo(1);
        assertThat(counters.count(Action.BLOCKED, GateName.ORIGIN, Reason.ORIGIN_NOT_ALLOWED)).isZero();
        assertThat(counters.allowed()).isEqualTo(1);
        assertThat(lines()).isEqualTo(logAllowed ? 3 : 2);
    }

    @Test
    void countsAuthenticatedRequestsPerPrincipalButNotTheirWouldBlockLines() {
        AuditTrail trail = trail(false);
        Guard guard = TestGuard.builder().sink(trail).knob("MCPGUARD_TOKEN", "good-token")
                .mode(GateName.ORIGIN, GateMode.LOG_ONLY).build();

        guard.check(FakeRequest.builder().header("Authorization", "Bearer good-token").build(), "test");
        guard.check(FakeRequest.builder().header("Authorization", "Bearer good-token").header("Origin", "null").build(), "test");
        guard.check(FakeRequest.builder().header("Authorization", "Bearer other").build(), "test");

        // token:<first 8 hex digits of SHA-256("good-token")>
        assertThat(trail.counters().principals().snapshot()).containsOnlyKeys("token:461caa80");
        assertThat(trail.counters().principals().snapshot().get("token:461caa80")).containsExactly(2, 0);
    }

    @Test
    void failuresAreCountedAlwaysButPrintedOnlyTwentyTimes() {
        AuditTrail trail = trail(false);

        for (int i = 0; i < 25; i++) {
            trail.internalError("auth gate", new IllegalStateException("boom"));
        }

        assertThat(trail.counters().internalErrors()).isEqualTo(25);
        assertThat(errorLines).hasValue(20);
        assertThat(lines()).isZero();
    }
}
