package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

/** A listener's owner is the family whose instrumentation names the binding code's package. */
class ListenerOwnersTest {

    private static ServerInstrumentation family(String family, String... listenerPackages) {
        return new ServerInstrumentation() {
            @Override
            public String family() {
                return family;
            }

            @Override
            public List<String> listenerPackages() {
                return List.of(listenerPackages);
            }

            @Override
            public String supportedVersions() {
                return "any";
            }

            @Override
            public List<String> helperClassNames() {
                return List.of();
            }

            @Override
            public List<Hook> hooks() {
                return List.of();
            }
        };
    }

    @Test
    void theFamilyIsTheOneWhosePackagesHoldTheBindingCode() {
        List<ServerInstrumentation> servers = List.of(family("sockets"), family("lang", "java.lang."),
                family("collections", "java.util.", "java.util.concurrent."));
        ListenerOwners owners = new ListenerOwners(
                new InstrumentationListener(NOPLogger.NOP_LOGGER, servers, () -> { }), servers);

        assertThat(owners.family(String.class)).isEqualTo("lang");
        assertThat(owners.family(java.util.concurrent.ConcurrentHashMap.class)).isEqualTo("collections");
        assertThat(owners.family(java.io.File.class)).isNull();
    }
}
