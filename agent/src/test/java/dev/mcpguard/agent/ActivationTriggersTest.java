package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Here, not in agent/core: the instrumentations of every adapter module are on this module's class path. */
class ActivationTriggersTest {

    @Test
    void triggersAreTheWatchedTypesOfEveryInstrumentation() throws ReflectiveOperationException {
        Set<String> watched = new TreeSet<>(InstrumentationListener.UNGUARDED_SERVERS.keySet());
        for (ServerInstrumentation server : Installer.instrumentations()) {
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                watched.add(hook.typeName());
            }
        }
        assertThat(new TreeSet<>(Set.of(ActivationTriggers.TYPES))).isEqualTo(watched);
    }
}
