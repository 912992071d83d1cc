package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.testing.StaticState;
import dev.mcpguard.testing.TestGuard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard every adapter reads is set once: a server gated by one never finds another under it. */
class ActiveGuardTest {
    private Guard before;

    @BeforeEach
    void noGuardYet() {
        before = StaticState.swapGuard(null);
    }

    @AfterEach
    void restoreGuard() {
        StaticState.swapGuard(before);
    }

    @Test
    void aSecondGuardIsRefusedAndTheFirstStays() {
        Guard first = TestGuard.builder().sink(new RecordingSink()).build();
        ActiveGuard.set(first);

        assertThatThrownBy(() -> ActiveGuard.set(TestGuard.builder().sink(new RecordingSink()).build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("set once");
        assertThat(ActiveGuard.get()).isSameAs(first);
    }

    @Test
    void noGuardIsNoGuardToSet() {
        assertThatThrownBy(() -> ActiveGuard.set(null)).isInstanceOf(NullPointerException.class);
        assertThat(ActiveGuard.get()).isNull();
    }

    @Test
    void anAdaptersFailureIsReportedAndGoesOnOnlyUnderOnErrorAllow() {
        RecordingSink sink = new RecordingSink();
        ActiveGuard.set(TestGuard.builder().sink(sink).build());
        Error failure = new LinkageError("loader constraint violation");

        assertThat(ActiveGuard.allowsAfter("netty", failure)).isFalse();
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).singleElement().satisfies(reported -> assertThat(reported.error()).isSameAs(failure));

        StaticState.swapGuard(TestGuard.builder().sink(sink).knob("MCPGUARD_ON_ERROR", "allow").build());
        assertThat(ActiveGuard.allowsAfter("netty", failure)).isTrue();
        assertThat(sink.failures()).hasSize(2);
    }

    @Test
    void anAdaptersFailureWithNoGuardToAskStopsTheRequest() {
        assertThat(ActiveGuard.allowsAfter("netty", new LinkageError("loader constraint violation"))).isFalse();
    }
}
