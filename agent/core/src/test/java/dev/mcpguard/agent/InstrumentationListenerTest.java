package dev.mcpguard.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

/**
 * What {@code agent/} learns from the instrumentations themselves rather than from their names:
 * whether a server is here, and what an attach cannot do for the families instrumented.
 */
class InstrumentationListenerTest {
    private static final String SOCKET_TYPE = Integer.class.getName();
    private static final String SERVER_TYPE = String.class.getName();
    private static final String OTHER_SERVER_TYPE = Long.class.getName();

    private final AtomicInteger serversInstrumented = new AtomicInteger();
    private final InstrumentationListener listener = new InstrumentationListener(NOPLogger.NOP_LOGGER, List.of(
            new Family("sockets", SOCKET_TYPE, false, List.of()),
            new Family("server", SERVER_TYPE, true, List.of("connections accepted before the attach are not gated")),
            new Family("server", OTHER_SERVER_TYPE, true, List.of("a second limit of the same family")),
            new Family("other", Short.class.getName(), true, List.of("a limit of a family not loaded"))),
            serversInstrumented::incrementAndGet);

    private void transformed(String typeName) throws ClassNotFoundException {
        listener.onTransformation(TypeDescription.ForLoadedType.of(Class.forName(typeName)), null, null, false, null);
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

    /** One instrumentation hooking one type. */
    private static final class Family implements ServerInstrumentation {
        private final String family;
        private final String typeName;
        private final boolean guardsRequests;
        private final List<String> attachLimits;

        Family(String family, String typeName, boolean guardsRequests, List<String> attachLimits) {
            this.family = family;
            this.typeName = typeName;
            this.guardsRequests = guardsRequests;
            this.attachLimits = attachLimits;
        }

        @Override
        public String family() {
            return family;
        }

        @Override
        public boolean guardsRequests() {
            return guardsRequests;
        }

        @Override
        public List<String> attachLimits() {
            return attachLimits;
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
            return List.of(new Hook(typeName, named("toString"), "unused.Advice"));
        }
    }
}
