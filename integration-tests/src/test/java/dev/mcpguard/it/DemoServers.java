package dev.mcpguard.it;

import dev.mcpguard.it.Stacks.Stack;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One demo JVM per stack for one configuration ({@link Launch}), started on first use and shared by every test
 * of the class that registers it ({@code @RegisterExtension static final DemoServers …}); stopped after the class.
 * Starting a JVM costs seconds, a request milliseconds: the cases of a configuration share its servers.
 */
final class DemoServers implements AfterAllCallback {

    private final Function<Stack, Launch> launches;
    private final Map<Stack, DemoServer> running = new LinkedHashMap<>();
    /** A server that could not start fails the other tests at once instead of making each wait again. */
    private final Map<Stack, RuntimeException> failed = new LinkedHashMap<>();

    private DemoServers(Function<Stack, Launch> launches) {
        this.launches = launches;
    }

    static DemoServers of(Launch launch) {
        return new DemoServers(stack -> launch);
    }

    /**
     * A configuration that differs per stack only in what no two servers may share (a token file that a test
     * changes); {@code launch} is asked once per stack.
     */
    static DemoServers perStack(Function<Stack, Launch> launch) {
        Map<Stack, Launch> launches = new LinkedHashMap<>();
        return new DemoServers(stack -> {
            synchronized (launches) {
                return launches.computeIfAbsent(stack, launch);
            }
        });
    }

    /** How the server of {@code stack} is (or will be) started. */
    Launch launch(Stack stack) {
        return launches.apply(stack);
    }

    synchronized DemoServer on(Stack stack) {
        if (failed.containsKey(stack)) {
            throw new IllegalStateException("the " + stack + " server of " + launch(stack) + " failed to start", failed.get(stack));
        }
        DemoServer server = running.get(stack);
        if (server == null) {
            try {
                server = DemoServer.start(stack, launch(stack));
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
