package dev.mcpguard.it;

import dev.mcpguard.it.Stacks.Stack;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    /**
     * Each stack's server, once asked for: starting, started, or failed to start. A server that could not start
     * fails the other tests at once instead of making each wait again. Only one test asks at a time (the suite
     * runs its tests one by one), but {@link #startAll} starts several at once.
     */
    private final Map<Stack, CompletableFuture<DemoServer>> servers = new LinkedHashMap<>();

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

    DemoServer on(Stack stack) {
        CompletableFuture<DemoServer> server;
        boolean starter;
        synchronized (this) {
            server = servers.get(stack);
            starter = server == null;
            if (starter) {
                server = new CompletableFuture<>();
                servers.put(stack, server);
            }
        }
        if (starter) { // outside the lock: other stacks' servers may start meanwhile
            try {
                server.complete(DemoServer.start(stack, launch(stack)));
            } catch (RuntimeException | AssertionError e) {
                server.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return server.join();
        } catch (CompletionException | CancellationException e) {
            throw new IllegalStateException("the " + stack + " server of " + launch(stack) + " failed to start", e.getCause());
        }
    }

    /**
     * Starts the servers of each configuration for its stacks, {@code parallel} JVMs at a time, and returns once all
     * have started or failed (a failure is reported to each test that asks for that server). For a class with many
     * servers: a JVM spends much of its start waiting, and the tests then find them running.
     */
    static void startAll(int parallel, Map<DemoServers, List<Stack>> stacks) {
        ExecutorService starters = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> started = new ArrayList<>();
            stacks.forEach((configuration, its) -> its.forEach(stack ->
                    started.add(starters.submit(() -> configuration.on(stack)))));
            for (Future<?> start : started) {
                try {
                    start.get();
                } catch (ExecutionException e) {
                    // kept by on(), which reports it to each test that asks for the server
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            starters.shutdownNow();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<CompletableFuture<DemoServer>> all;
        synchronized (this) {
            all = new ArrayList<>(servers.values());
            servers.clear();
        }
        for (CompletableFuture<DemoServer> server : all) {
            if (server.isDone() && !server.isCompletedExceptionally()) {
                server.join().close();
            }
        }
    }
}
