package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.audit.Counters;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.mcpguard.testing.QuietLog;

/** One MBean registration per JVM; it waits for a server that never comes here. */
class GatesMBeanRegistrationTest {

    @Test
    void aSecondRegistrationIsRefused() {
        GatesMBeanRegistration.start(new Counters(), Map.of(), QuietLog.LOG);

        assertThatThrownBy(() -> GatesMBeanRegistration.start(new Counters(), Map.of(), QuietLog.LOG))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("started once");
    }
}
