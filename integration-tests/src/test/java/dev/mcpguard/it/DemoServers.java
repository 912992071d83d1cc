package dev.mcpguard.it;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One demo JVM per stack for one {@link Launch}, started on first use and shared by every test of the class
 * that registers it ({@code @RegisterExtension static final DemoServers …}); stopped after the class.
 * Starting a JVM costs seconds, a request milliseconds: the cases of a configuration share its servers.
 */
final class DemoServers implements AfterAllCallback {

    private final Launch launch;
    private final Map<String, DemoServer> running = new LinkedHashMap<>();
    /** A server that could not start fails the other tests at once instead of making each wait again. */
    private final Map<String, RuntimeException> failed = new LinkedHashMap<>();

    private DemoServers(Launch launch) {
        this.launch = launch;
    }

    static DemoServers of(Launch launch) {
        return new DemoServers(launch);
    }

    Launch launch() {
        return launch;
    }

    synchronized DemoServer on(String stack) {
        if (failed.containsKey(stack)) {
            throw new IllegalStateException("the " + stack + " server of " + launch + " failed to start", failed.get(stack));
        }
        DemoServer server = running.get(stack);
        if (server == null) {
            try {
                server = DemoServer.start(stack, launch);
            } catch (RuntimeException | AssertionError e) {
                failed.put(stack, e instanceof RuntimeException r ? r : new IllegalStateException(e));
                throw e;
            }
            running.put(stack, server);
        }
        return server;
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        running.values().forEach(DemoServer::close);
        running.clear();
        failed.clear();
    }
}
