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
    /** Whether this thread is writing a decision line (see {@link #record}). */
    private static final ThreadLocal<boolean[]> WRITING = ThreadLocal.withInitial(() -> new boolean[1]);

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
        String denied;
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
     * For Netty's batching of datagrams (sendmmsg): {@code true} when the datagram must be sent
     * alone, through the single-datagram path where {@link #check} refuses (or in log-only, lets
     * through) and logs it once: the batch would send it with no line. Never throws.
     */
    public static boolean sentAlone(InetSocketAddress destination) {
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

    /**
     * Writes the decision's line, unless this thread is writing one already: stderr may be shipped
     * over the network (a syslog or GELF appender behind it), and each line's own send would log a
     * line that sends again. Such a connect is still decided, refused and counted; it is not logged.
     */
    private static void record(Action action, String denied, InetAddress address, int port) {
        boolean[] writing = WRITING.get();
        if (writing[0]) {
            return;
        }
        writing[0] = true;
        try {
            audit.recordEgress(action, denied, EgressPolicy.literal(address), port,
                    InboundRequests.current());
        } catch (Throwable error) {
            report("EGRESS gate's decision log", error); // the decision stands without its line
        } finally {
            writing[0] = false;
        }
    }

    /** {@code MCPGUARD_ON_ERROR}: deny refuses the connection, allow lets it open. */
    private static void failed(InetAddress address, int port, Throwable error) throws ConnectException {
        report("EGRESS gate", error);
        if (denyOnError) {
            throw refusal(address, port, "the EGRESS gate failed (MCPGUARD_ON_ERROR=deny)");
        }
    }

    /** Counts and reports a failure; never throws, so that the decision stands. */
    private static void report(String where, Throwable error) {
        try {
            audit.internalError(where, error);
        } catch (Throwable unreported) {
            // the connection's fate matters more than the report
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
