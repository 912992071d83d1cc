package dev.mcpguard.egress;

/**
 * Marks the agent's own outbound connections (JWKS fetches, Redis) on the thread that opens them:
 * the operator named those destinations, and the EGRESS gate must not refuse the agent what it
 * refuses the application. Consulted only for a connection the policy would refuse.
 */
public final class OwnConnections {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private OwnConnections() {
    }

    public static void begin() {
        DEPTH.get()[0]++;
    }

    public static void end() {
        DEPTH.get()[0]--;
    }

    static boolean active() {
        return DEPTH.get()[0] > 0;
    }
}
