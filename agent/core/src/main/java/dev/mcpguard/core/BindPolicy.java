package dev.mcpguard.core;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * The BIND gate's decision: which address a server socket may listen on. A bind wider than the
 * configured address is narrowed to it, port kept; a bind is never widened. "Wider": a wildcard
 * ({@code 0.0.0.0}, {@code ::}) is wider than any address, and any non-loopback address is wider
 * than a loopback one.
 */
public final class BindPolicy {
    private final InetAddress widest;
    private final int[] governedPorts;
    private final GateMode mode;

    /**
     * @param widest        the widest address allowed ({@code MCPGUARD_BIND})
     * @param governedPorts sorted ports the gate governs, {@code null} for all
     */
    public BindPolicy(InetAddress widest, int[] governedPorts, GateMode mode) {
        this.widest = widest;
        this.governedPorts = governedPorts == null ? null : governedPorts.clone();
        this.mode = mode;
    }

    public GateMode mode() {
        return mode;
    }

    public InetAddress widest() {
        return widest;
    }

    /**
     * @param requested the address asked for ({@code null}: the wildcard)
     * @return the address to listen on instead, or {@code null} to leave the bind as asked; in
     *         log-only mode the caller only reports it
     */
    public InetAddress narrowed(InetAddress requested, int port) {
        if (mode == GateMode.OFF || !governs(port)) {
            return null;
        }
        return width(requested) > width(widest) ? widest : null;
    }

    private boolean governs(int port) {
        // Port 0 asks the system for any port: the gate governs it only when it governs all ports.
        return governedPorts == null || Arrays.binarySearch(governedPorts, port) >= 0;
    }

    /** 2 for a wildcard, 1 for any other non-loopback address, 0 for loopback. */
    private static int width(InetAddress address) {
        if (address == null || address.isAnyLocalAddress()) {
            return 2;
        }
        return address.isLoopbackAddress() ? 0 : 1;
    }
}
