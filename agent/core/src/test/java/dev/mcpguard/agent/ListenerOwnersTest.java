package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import dev.mcpguard.testing.QuietLog;

/** A listener's owner is the family whose instrumentation names the binding code's package. */
class ListenerOwnersTest {

    @Test
    void theFamilyIsTheOneWhosePackagesHoldTheBindingCode() {
        List<ServerInstrumentation> servers = List.of(new FakeInstrumentation("sockets").sockets(),
                new FakeInstrumentation("lang").listeningFrom("java.lang."),
                new FakeInstrumentation("collections").listeningFrom("java.util.").listeningFrom("java.util.concurrent."));
        ListenerOwners owners = new ListenerOwners(
                new InstrumentationListener(QuietLog.LOG, servers, () -> { }), servers);

        assertThat(owners.family(String.class)).isEqualTo("lang");
        assertThat(owners.family(ConcurrentHashMap.class)).isEqualTo("collections");
        assertThat(owners.family(File.class)).isNull();
    }
}
