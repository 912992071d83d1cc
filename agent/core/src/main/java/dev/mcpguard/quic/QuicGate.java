package dev.mcpguard.quic;

import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.Guard;

/**
 * Refuses QUIC server codecs (HTTP/3): the request gates read HTTP/1.x and HTTP/2 only, and a
 * listener they cannot read must not serve ungated. Lives on the bootstrap class path, names no
 * Netty type. Clients of QUIC (the agent gates servers only) are left alone.
 */
public final class QuicGate {

    private QuicGate() {
    }

    /**
     * @param builder the {@code QuicCodecBuilder} about to build a codec
     * @return the exception its {@code build()} must throw, or {@code null} to let it build (a
     *         client codec, or every request gate off); never throws
     */
    public static RuntimeException check(Object builder) {
        try {
            Guard guard = ActiveGuard.get();
            String type = builder.getClass().getName();
            if (!type.endsWith(".QuicServerCodecBuilder") || guard == null || !guard.gatesRequests()) {
                return null;
            }
            OperatorLog.stderr().error("refused a QUIC (HTTP/3) server codec built by {}: mcpguard cannot gate "
                    + "QUIC, so this listener does not start; serve HTTP/1.1 or HTTP/2 over TCP instead "
                    + "(or turn every gate off with MCPGUARD_MODE=off)", caller());
            return new IllegalStateException("mcpguard: QUIC (HTTP/3) server refused: mcpguard cannot gate QUIC");
        } catch (Throwable error) {
            // The refusal could not be decided: refusing is the side that never serves ungated.
            return new IllegalStateException("mcpguard: QUIC (HTTP/3) server refused", error);
        }
    }

    /** The first frame outside Netty and this class: what an operator recognizes as the server. */
    private static String caller() {
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            String type = frame.getClassName();
            if (!type.startsWith("io.netty.") && !type.equals(QuicGate.class.getName())) {
                return type;
            }
        }
        return "(unknown)";
    }
}
