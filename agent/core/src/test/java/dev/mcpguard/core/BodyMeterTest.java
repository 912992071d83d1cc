package dev.mcpguard.core;

import static dev.mcpguard.core.BodyMeter.Answer.CUT;
import static dev.mcpguard.core.BodyMeter.Answer.GO_ON;
import static dev.mcpguard.core.BodyMeter.Answer.REFUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.mcpguard.testing.TestGuard;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The BODY gate for counted bodies: what {@link BodyMeter} answers each read, and what it logs. */
class BodyMeterTest {
    private static final String STACK = "test-stack";
    private static final long LIMIT = 1024;

    private final RecordingSink sink = new RecordingSink();

    private Guard guard(GateMode bodyMode) {
        return TestGuard.builder()
                .sink(sink)
                .knob("MCPGUARD_MAX_BODY_BYTES", Long.toString(LIMIT))
                .knob("MCPGUARD_TOKEN", "t")
                .mode(GateName.AUTH, GateMode.OFF)
                .mode(GateName.BODY, bodyMode)
                .build();
    }

    /** A chunked POST with a query the decision line must not carry, from a peer the decision line names. */
    private static FakeRequest chunked() {
        return FakeRequest.builder()
                .method("POST")
                .target("/mcp?secret=1")
                .peer("127.0.0.1")
                .local("127.0.0.1")
                .header("Host", "localhost:8080")
                .header("Transfer-Encoding", "chunked")
                .build();
    }

    private Verdict verdict(GateMode bodyMode) {
        Verdict verdict = guard(bodyMode).check(chunked(), STACK);
        assertThat(verdict.allowed()).isTrue();
        sink.clear(); // the allowed line; what follows is the meter's
        return verdict;
    }

    private BodyMeter meter(GateMode bodyMode) {
        BodyMeter meter = verdict(bodyMode).bodyMeter();
        assertThat(meter).isNotNull();
        return meter;
    }

    @Test
    void enforcedBodyGoesOnUpToExactlyTheLimitAndIsRefusedOneByteLater() {
        BodyMeter meter = meter(GateMode.ENFORCE);

        assertThat(meter.countRead(1000)).isEqualTo(GO_ON);
        assertThat(meter.countRead(24)).isEqualTo(GO_ON); // exactly the limit
        assertThat(meter.cut()).isFalse();
        assertThat(sink.lines()).isEmpty();

        assertThat(meter.countRead(1)).isEqualTo(REFUSE);
        assertThat(meter.cut()).isTrue();
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void theDecisionIsLoggedAgainstTheRequestsOwnVerdict() {
        Verdict verdict = verdict(GateMode.ENFORCE);

        verdict.bodyMeter().countRead(LIMIT + 1);

        assertThat(sink.decisions()).singleElement().satisfies(decision -> {
            assertThat(decision.verdict()).isSameAs(verdict); // no second normalization, no second view
            assertThat(decision.verdict().path()).isEqualTo("/mcp");
            assertThat(decision.verdict().method()).isEqualTo("POST");
            assertThat(decision.verdict().stack()).isEqualTo(STACK);
            assertThat(decision.verdict().client()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void afterTheRefusalEveryReadIsCutAndNothingMoreIsLogged() {
        BodyMeter meter = meter(GateMode.ENFORCE);
        assertThat(meter.countRead(LIMIT + 1)).isEqualTo(REFUSE);

        assertThat(meter.countRead(1)).isEqualTo(CUT);
        assertThat(meter.countRead(0)).isEqualTo(CUT);
        assertThat(meter.countRead(-1)).isEqualTo(CUT);
        assertThat(meter.addInflated(1)).isEqualTo(CUT);
        assertThat(meter.countRead(Long.MAX_VALUE)).isEqualTo(CUT);
        assertThat(meter.cut()).isTrue();
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void oneHugeReadIsRefusedWithoutTheCountWrappingAround() {
        BodyMeter meter = meter(GateMode.ENFORCE);
        assertThat(meter.countRead(LIMIT)).isEqualTo(GO_ON);

        assertThat(meter.countRead(Long.MAX_VALUE)).isEqualTo(REFUSE);
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void aFirstReadOfMaxLongIsRefused() {
        assertThat(meter(GateMode.ENFORCE).countRead(Long.MAX_VALUE)).isEqualTo(REFUSE);
        assertThat(meter(GateMode.ENFORCE).addInflated(Long.MAX_VALUE)).isEqualTo(REFUSE);
    }

    /** Whatever the read size, the application gets at most the limit, and the read that would pass it is refused. */
    @ParameterizedTest
    @ValueSource(longs = {1, 3, 7, 100, 512, 1000, 1023, 1024, 1025, 4096})
    void readsOfAnySizeGoOnUntilTheOneThatPassesTheLimit(long size) {
        BodyMeter meter = meter(GateMode.ENFORCE);
        long handedOn = 0;
        List<BodyMeter.Answer> answers = new ArrayList<>();
        BodyMeter.Answer answer;
        do {
            answer = meter.countRead(size);
            answers.add(answer);
            if (answer == GO_ON) {
                handedOn += size;
            }
        } while (answer == GO_ON);

        assertThat(answer).isEqualTo(REFUSE);
        assertThat(handedOn).isEqualTo(LIMIT / size * size).isLessThanOrEqualTo(LIMIT);
        assertThat(answers).hasSize((int) (LIMIT / size) + 1);
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void emptyReadsAndEndsOfStreamCountNothing() {
        BodyMeter meter = meter(GateMode.ENFORCE);
        assertThat(meter.countRead(LIMIT)).isEqualTo(GO_ON);

        assertThat(meter.countRead(0)).isEqualTo(GO_ON);
        assertThat(meter.countRead(-1)).isEqualTo(GO_ON);
        assertThat(meter.countRead(Long.MIN_VALUE)).isEqualTo(GO_ON);
        assertThat(meter.countRead(1)).isEqualTo(REFUSE); // a negative read did not lower the count
    }

    @Test
    void logOnlyLogsWouldBlockOnceAndNeverCuts() {
        BodyMeter meter = meter(GateMode.LOG_ONLY);

        assertThat(meter.countRead(LIMIT)).isEqualTo(GO_ON);
        assertThat(sink.lines()).isEmpty();
        assertThat(meter.countRead(1)).isEqualTo(GO_ON);
        assertThat(meter.countRead(1L << 40)).isEqualTo(GO_ON);
        assertThat(meter.addInflated(1L << 40)).isEqualTo(GO_ON);
        assertThat(meter.countRead(Long.MAX_VALUE)).isEqualTo(GO_ON);
        assertThat(meter.cut()).isFalse();
        assertThat(sink.lines()).containsExactly("would_block body/body_too_large/413");
    }

    @Test
    void anOffBodyGateHandsOutNoMeter() {
        Verdict verdict = guard(GateMode.OFF).check(chunked(), STACK);

        assertThat(verdict.bodyMeter()).isNull();
        assertThat(sink.lines()).containsExactly("allowed");
    }

    @Test
    void theReadAndTheInflatedCountsAreSeparateButShareOneDecision() {
        BodyMeter meter = meter(GateMode.ENFORCE);

        assertThat(meter.countRead(LIMIT)).isEqualTo(GO_ON);
        assertThat(meter.addInflated(LIMIT)).isEqualTo(GO_ON); // each count is at the limit, neither past it
        assertThat(meter.addInflated(1)).isEqualTo(REFUSE);
        assertThat(meter.countRead(1)).isEqualTo(CUT);
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void theReadCountPassingTheLimitCutsTheInflatedOneToo() {
        BodyMeter meter = meter(GateMode.ENFORCE);

        assertThat(meter.addInflated(10)).isEqualTo(GO_ON);
        assertThat(meter.countRead(LIMIT + 1)).isEqualTo(REFUSE);
        assertThat(meter.addInflated(1)).isEqualTo(CUT);
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void theInflatedCountAloneIsLoggedOnceUnderLogOnly() {
        BodyMeter meter = meter(GateMode.LOG_ONLY);

        assertThat(meter.addInflated(LIMIT + 1)).isEqualTo(GO_ON);
        assertThat(meter.countRead(LIMIT + 1)).isEqualTo(GO_ON);
        assertThat(sink.lines()).containsExactly("would_block body/body_too_large/413");
    }

    @Test
    void eachRequestHasItsOwnMeter() {
        Guard guard = guard(GateMode.ENFORCE);
        BodyMeter first = guard.check(chunked(), STACK).bodyMeter();
        BodyMeter second = guard.check(chunked(), STACK).bodyMeter();
        sink.clear();

        assertThat(first.countRead(LIMIT + 1)).isEqualTo(REFUSE);
        assertThat(second.cut()).isFalse();
        assertThat(second.countRead(LIMIT)).isEqualTo(GO_ON);
        assertThat(second.countRead(1)).isEqualTo(REFUSE);
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413", "blocked body/body_too_large/413");
        assertThat(sink.decisions().get(0).verdict()).isNotSameAs(sink.decisions().get(1).verdict());
    }

    @Test
    void theMeterGivesTheRefusalToSendAndTheExceptionToThrow() {
        BodyMeter meter = meter(GateMode.ENFORCE);
        assertThat(meter.refusal()).as("nothing refused yet").isNull();
        meter.countRead(LIMIT + 1);

        assertThat(meter.refusal().toString()).isEqualTo("body/body_too_large/413");
        BodyLimitExceeded exceeded = meter.exceeded();
        assertThat(exceeded).isInstanceOf(IOException.class)
                .hasMessage("request body larger than the 1024-byte limit (mcpguard BODY gate)");
        // Not shared between reads: an application may attach suppressed exceptions to what it catches.
        assertThat(meter.exceeded()).isNotSameAs(exceeded);
    }

    @Test
    void throwIfCutThrowsOnlyOnceReadsAreCut() throws IOException {
        BodyMeter meter = meter(GateMode.ENFORCE);
        meter.countRead(LIMIT);
        meter.throwIfCut();

        meter.countRead(1);
        assertThatExceptionOfType(BodyLimitExceeded.class)
                .isThrownBy(meter::throwIfCut);

        BodyMeter logOnly = meter(GateMode.LOG_ONLY);
        logOnly.countRead(LIMIT + 1);
        logOnly.throwIfCut();
    }
}
