package dev.mcpguard.core;

/**
 * The agent's one {@link Guard}, reachable from every class loader: this class lives on the
 * bootstrap class path, where the adapters injected into servers find it.
 */
public final class ActiveGuard {
    private static volatile Guard guard;

    private ActiveGuard() {
    }

    /** Set once, before any instrumentation is installed. */
    public static void set(Guard active) {
        guard = active;
    }

    /** The guard; never {@code null} once an adapter runs, since adapters are installed after {@link #set}. */
    public static Guard get() {
        return guard;
    }
}
