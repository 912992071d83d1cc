package dev.mcpguard.egress;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.core.Action;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.InboundRequests;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Called from the connect and send advice of every socket implementation the agent hooks (the
 * JDK's one connect path, unconnected datagrams, Netty's native transports); lives on the
 * bootstrap class path, where {@code java.base} reaches it. Holds no policy: {@link EgressPolicy}
 * decides. Throws nothing but the refusal.
 */
public final class EgressGate {
    private static volatile EgressPolicy policy;
    private static volatile AuditTrail audit;
    private static volatile boolean denyOnError;

    private EgressGate() {
    }

    /**
     * Set once, before the hooks are installed.
     *
     * @throws IllegalStateException when installed already
     */
    public static synchronized void install(EgressPolicy egressPolicy, AuditTrail auditTrail, boolean denyOnFailure) {
        if (policy != null) {
            throw new IllegalStateException("mcpguard: the EGRESS gate is installed already; it is installed once");
        }
        audit = auditTrail;
        denyOnError = denyOnFailure;
        policy = egressPolicy;
    }

    /** A connect, or a datagram sent, to {@code destination}; other address types (Unix sockets) pass. */
    public static void check(SocketAddress destination) throws ConnectException {
        if (destination instanceof InetSocketAddress) {
            InetSocketAddress inet = (InetSocketAddress) destination;
            check(inet.getAddress(), inet.getPort());
        }
    }

    /**
     * @param address the address being connected ({@code null}: unresolved, the connect fails by itself)
     * @throws ConnectException the refusal, when enforcing
     */
    public static void check(InetAddress address, int port) throws ConnectException {
        EgressPolicy active = policy;
        if (active == null || address == null) {
            return;
        }
        AddressRange denied;
        try {
            denied = active.deniedBy(address, port);
        } catch (Throwable error) {
            failed(address, port, error);
            return;
        }
        if (denied == null) {
            if (audit.logsAllowed()) {
                record(Action.ALLOWED, null, address, port);
            }
            return;
        }
        if (OwnConnections.active()) {
            return;
        }
        boolean enforce = active.mode() == GateMode.ENFORCE;
        record(enforce ? Action.BLOCKED : Action.WOULD_BLOCK, denied, address, port);
        if (enforce) {
            throw refusal(address, port, denied + " is denied by MCPGUARD_EGRESS_DENY");
        }
    }

    /**
     * For Netty's batching of datagrams (sendmmsg): {@code true} when the datagram would be refused,
     * so that it is left out of the batch and meets {@link #check} on the single-datagram path,
     * which refuses (or in log-only, sends) and logs it once: in log-only too, or the batch would
     * send it with no line. Never throws.
     */
    public static boolean refusesQuietly(InetSocketAddress destination) {
        EgressPolicy active = policy;
        if (active == null || destination == null || destination.getAddress() == null) {
            return false;
        }
        try {
            return active.deniedBy(destination.getAddress(), destination.getPort()) != null && !OwnConnections.active();
        } catch (Throwable error) {
            return denyOnError;
        }
    }

    private static void record(Action action, AddressRange denied, InetAddress address, int port) {
        try {
            audit.recordEgress(action, denied == null ? null : denied.toString(), EgressPolicy.literal(address), port,
                    InboundRequests.current());
        } catch (Throwable error) {
            // the decision stands without its line; the failure is counted and reported
            audit.internalError("EGRESS gate's decision log", error);
        }
    }

    /** {@code MCPGUARD_ON_ERROR}: deny refuses the connection, allow lets it open. */
    private static void failed(InetAddress address, int port, Throwable error) throws ConnectException {
        audit.internalError("EGRESS gate", error);
        if (denyOnError) {
            throw refusal(address, port, "the EGRESS gate failed (MCPGUARD_ON_ERROR=deny)");
        }
    }

    private static ConnectException refusal(InetAddress address, int port, String why) {
        String literal;
        try {
            literal = EgressPolicy.literal(address);
        } catch (RuntimeException e) {
            literal = String.valueOf(address);
        }
        return new ConnectException("mcpguard: egress to " + (literal.indexOf(':') >= 0 ? "[" + literal + "]" : literal)
                + ":" + port + " refused: " + why);
    }
}
