package dev.mcpguard.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.core.BindPolicy;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.testing.StaticState;
import dev.mcpguard.audit.OperatorLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.mcpguard.testing.QuietLog;

/** The BIND gate's policy and the listeners' owners are installed once per JVM. */
class BindGateTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Object policyBefore;
    private Object logBefore;
    private Object ownersBefore;

    @BeforeEach
    void nothingInstalledYet() {
        policyBefore = StaticState.swap(BindGate.class, "policy", null);
        logBefore = StaticState.swap(BindGate.class, "log", null);
        ownersBefore = StaticState.swap(UngatedListeners.class, "owners", null);
    }

    @AfterEach
    void restore() {
        StaticState.swap(BindGate.class, "policy", policyBefore);
        StaticState.swap(BindGate.class, "log", logBefore);
        StaticState.swap(UngatedListeners.class, "owners", ownersBefore);
    }

    @Test
    void aSecondPolicyIsRefusedAndTheFirstStillNarrows() throws Exception {
        BindGate.install(new BindPolicy(LOOPBACK, null, GateMode.ENFORCE), QuietLog.LOG);

        BindPolicy off = new BindPolicy(LOOPBACK, null, GateMode.OFF);
        assertThatThrownBy(() -> BindGate.install(off, QuietLog.LOG))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("installed once");
        assertThat(BindGate.onBind(new InetSocketAddress(0))).isEqualTo(new InetSocketAddress(LOOPBACK, 0));
    }

    /** The gate decided to narrow, then failed (its WARN line could not be written): the bind is never wider. */
    @Test
    void anEnforcingGateThatFailsBindsTheAllowedAddressNotTheOneAsked() throws Exception {
        BindGate.install(new BindPolicy(LOOPBACK, null, GateMode.ENFORCE), new OperatorLog(new PrintStream(
                OutputStream.nullOutputStream()) {
            @Override
            public void println(String line) {
                throw new LinkageError("a log that does not link");
            }
        }));

        assertThat(BindGate.onBind(new InetSocketAddress(8080))).isEqualTo(new InetSocketAddress(LOOPBACK, 8080));
        assertThat(BindGate.onBind(null)).isEqualTo(new InetSocketAddress(LOOPBACK, 0));
    }

    @Test
    void aLogOnlyGateThatFailsLeavesTheBindAsAsked() throws Exception {
        BindGate.install(new BindPolicy(LOOPBACK, null, GateMode.LOG_ONLY), new OperatorLog(new PrintStream(
                OutputStream.nullOutputStream()) {
            @Override
            public void println(String line) {
                throw new LinkageError("a log that does not link");
            }
        }));

        assertThat(BindGate.onBind(new InetSocketAddress(8080))).isEqualTo(new InetSocketAddress(8080));
    }

    @Test
    void secondListenerOwnersAreRefused() {
        UngatedListeners.Owners owners = new UngatedListeners.Owners() {
            @Override
            public String family(Class<?> type) {
                return null;
            }

            @Override
            public boolean instrumented(String family, Class<?> type) {
                return false;
            }
        };
        UngatedListeners.install(owners, false, QuietLog.LOG);

        assertThatThrownBy(() -> UngatedListeners.install(owners, true, QuietLog.LOG))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("installed once");
    }
}
