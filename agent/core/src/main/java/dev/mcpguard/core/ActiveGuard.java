package dev.mcpguard.core;

/**
 * The agent's one {@link Guard}, reachable from every class loader: this class lives on the
 * bootstrap class path, where the adapters injected into servers find it.
 */
public final class ActiveGuard {
    private static volatile Guard guard;

    private ActiveGuard() {
    }

    /**
     * Set once, before any instrumentation is installed: servers already gated by one guard must
     * never find another under them.
     *
     * @throws IllegalStateException when a guard is set already
     */
    public static synchronized void set(Guard active) {
        if (active == null) {
            throw new NullPointerException("guard");
        }
        if (guard != null) {
            throw new IllegalStateException("mcpguard: the active guard is set already; it is set once");
        }
        guard = active;
    }

    /** The guard; never {@code null} once an adapter runs, since adapters are installed after {@link #set}. */
    public static Guard get() {
        return guard;
    }

    /**
     * For an adapter's own failure where it has no refusal left to write (a body being read, a
     * connection being set up): reported through {@link Guard#adapterFailed}, and whether
     * {@code MCPGUARD_ON_ERROR} lets the request go on; {@code false} when the guard cannot even be
     * asked. Never throws. Names JDK types only, so it links from a helper that cannot link the
     * core's own types.
     */
    public static boolean allowsAfter(String stack, Throwable error) {
        try {
            return guard.adapterFailed(stack, error) == null;
        } catch (Throwable unanswerable) {
            return false;
        }
    }
}
