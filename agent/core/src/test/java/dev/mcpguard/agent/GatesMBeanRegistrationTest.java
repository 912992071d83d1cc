package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.audit.Counters;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

/** One MBean registration per JVM; it waits for a server that never comes here. */
class GatesMBeanRegistrationTest {

    @Test
    void aSecondRegistrationIsRefused() {
        GatesMBeanRegistration.start(new Counters(), Map.of(), NOPLogger.NOP_LOGGER);

        assertThatThrownBy(() -> GatesMBeanRegistration.start(new Counters(), Map.of(), NOPLogger.NOP_LOGGER))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("started once");
    }
}
