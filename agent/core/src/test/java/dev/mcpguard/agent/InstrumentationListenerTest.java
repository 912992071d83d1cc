package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import dev.mcpguard.testing.QuietLog;

/**
 * What {@code agent/} learns from the instrumentations themselves rather than from their names:
 * whether a server is here, and what an attach cannot do for the families instrumented.
 */
class InstrumentationListenerTest {
    private static final String SOCKET_TYPE = Integer.class.getName();
    private static final String SERVER_TYPE = String.class.getName();
    private static final String OTHER_SERVER_TYPE = Long.class.getName();

    private final AtomicInteger serversInstrumented = new AtomicInteger();
    private final List<ServerInstrumentation> servers = List.of(
            new FakeInstrumentation("sockets").hooking(SOCKET_TYPE).sockets(),
            new FakeInstrumentation("server").hooking(SERVER_TYPE)
                    .attachLimit("connections accepted before the attach are not gated"),
            new FakeInstrumentation("server").hooking(OTHER_SERVER_TYPE).attachLimit("a second limit of the same family"),
            new FakeInstrumentation("other").hooking(Short.class.getName()).attachLimit("a limit of a family not loaded"));
    private final InstrumentationListener listener = new InstrumentationListener(QuietLog.LOG, servers,
            serversInstrumented::incrementAndGet);

    private void transformed(String typeName) {
        for (ServerInstrumentation server : servers) {
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                if (hook.typeName().equals(typeName)) {
                    listener.transformed(typeName, server);
                    return;
                }
            }
        }
        throw new AssertionError("no fake hooks " + typeName);
    }

    @Test
    void socketHooksAloneAreNoServer() throws Exception {
        transformed(SOCKET_TYPE);

        assertThat(listener.serverInstrumented()).isFalse();
        assertThat(serversInstrumented).hasValue(0);
        assertThat(listener.attachLimits()).isEmpty();
        assertThat(listener.instrumented()).containsEntry(SOCKET_TYPE, "sockets");
    }

    @Test
    void aFamilyThatGuardsRequestsIsAServerAndBringsTheLimitsOfItsWholeFamily() throws Exception {
        transformed(SOCKET_TYPE);
        transformed(SERVER_TYPE);

        assertThat(listener.serverInstrumented()).isTrue();
        assertThat(serversInstrumented).hasValue(1);
        assertThat(listener.attachLimits()).containsExactly("connections accepted before the attach are not gated",
                "a second limit of the same family");
    }
}
