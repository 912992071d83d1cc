package dev.mcpguard.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.audit.DecisionLog;
import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.core.GateMode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gate as the hooks call it; installed once per JVM, as the agent does, and only by this class. */
class EgressGateTest {
    private static final ByteArrayOutputStream LINES = new ByteArrayOutputStream();
    private static final AtomicInteger SENDS_WHILE_LOGGING = new AtomicInteger();
    private static volatile boolean shipLines;

    /**
     * The decision log's stream, as an application that ships stderr over the network has it: each line
     * written is a datagram sent, which the gate judges too.
     */
    private static final PrintStream SHIPPED = new PrintStream(new OutputStream() {
        @Override
        public void write(int b) {
            LINES.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            LINES.write(bytes, offset, length);
            // bounded here, so that a gate that logs each line's send fails the test instead of recursing
            if (shipLines && SENDS_WHILE_LOGGING.incrementAndGet() < 10) {
                EgressGate.check(InetAddress.getByAddress(new byte[] {127, 0, 0, 9}), 514);
            }
        }
    }, true, StandardCharsets.UTF_8);

    @BeforeAll
    static void install() {
        OperatorLog operator = OperatorLog.stderr();
        EgressGate.install(new EgressPolicy(GateMode.ENFORCE, EgressPolicy.privateRanges(), null,
                List.of(AllowEntry.parse("*:8443"))), new AuditTrail(new DecisionLog(true, () -> SHIPPED), false, operator), true);
    }

    @Test
    void aConnectMadeWhileWritingADecisionLineIsRefusedWithoutALineOfItsOwn() throws Exception {
        LINES.reset();
        SENDS_WHILE_LOGGING.set(0);
        shipLines = true;
        try {
            assertThatThrownBy(() -> EgressGate.check(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 80))
                    .isInstanceOf(ConnectException.class)
                    .hasMessage("mcpguard: egress to 10.0.0.1:80 refused: 10.0.0.0/8 is denied by MCPGUARD_EGRESS_DENY");
        } finally {
            shipLines = false;
        }
        // the line's send was judged (and refused: PrintStream keeps the failure to itself), not logged again
        assertThat(SENDS_WHILE_LOGGING.get()).isEqualTo(1);
        assertThat(LINES.toString(StandardCharsets.UTF_8).lines())
                .singleElement().asString().contains("\"destination.address\":\"10.0.0.1\"");
    }

    @Test
    void allowedAndUnresolvedDestinationsPassWithoutALine() throws Exception {
        LINES.reset();
        EgressGate.check(InetAddress.getByAddress(new byte[] {8, 8, 8, 8}), 53);
        EgressGate.check(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 8443);
        EgressGate.check(null, 80);
        EgressGate.check(java.net.InetSocketAddress.createUnresolved("metadata.internal", 80));
        assertThat(LINES.size()).isZero();
    }

    @Test
    void theAgentsOwnConnectionsAreNeverRefused() throws Exception {
        LINES.reset();
        OwnConnections.begin();
        try {
            EgressGate.check(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 6379);
        } finally {
            OwnConnections.end();
        }
        assertThat(LINES.size()).isZero();
        assertThatThrownBy(() -> EgressGate.check(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 6379))
                .isInstanceOf(ConnectException.class);
    }
}
