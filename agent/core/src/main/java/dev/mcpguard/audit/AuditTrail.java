package dev.mcpguard.audit;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.DecisionSink;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Reason;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts every decision, logs refusals (and allowed requests when asked), reports failures. */
public final class AuditTrail implements DecisionSink {
    /** Failures are printed in full this many times, then only counted: a loop must not flood stderr. */
    private static final int PRINTED_FAILURES = 20;

    private final Counters counters = new Counters();
    private final DecisionLog log;
    private final boolean logAllowed;
    private final OperatorLog operatorLog;
    private final AtomicInteger printedFailures = new AtomicInteger();

    public AuditTrail(DecisionLog log, boolean logAllowed, OperatorLog operatorLog) {
        this.log = log;
        this.logAllowed = logAllowed;
        this.operatorLog = operatorLog;
    }

    public Counters counters() {
        return counters;
    }

    @Override
    public void record(Action action, Refusal refusal, Verdict request) {
        counters.increment(action, refusal == null ? null : refusal.gate(), refusal == null ? null : refusal.reason());
        if (request.principal() != null && action != Action.WOULD_BLOCK) {
            counters.countPrincipal(request.principal().name(), action == Action.ALLOWED);
        }
        if (action != Action.ALLOWED || logAllowed) {
            log.write(action, refusal, request);
        }
    }

    /** Whether allowed decisions are logged ({@code MCPGUARD_LOG_ALLOWED}). */
    public boolean logsAllowed() {
        return logAllowed;
    }

    /**
     * An outbound connection the EGRESS gate decided. Allowed connections are logged with
     * {@code MCPGUARD_LOG_ALLOWED} only and not counted: the request counters count requests.
     *
     * @param deniedBy the deny range matched, {@code null} for {@link Action#ALLOWED}
     * @param inbound  the inbound request the connecting thread serves, or {@code null}
     */
    public void recordEgress(Action action, String deniedBy, String address, int port, Verdict inbound) {
        if (action != Action.ALLOWED) {
            counters.increment(action, GateName.EGRESS, Reason.DENIED_DESTINATION);
        }
        if (action != Action.ALLOWED || logAllowed) {
            log.writeEgress(action, deniedBy, address, port, inbound);
        }
    }

    @Override
    public void internalError(String where, Throwable error) {
        counters.countInternalError();
        int printed = printedFailures.incrementAndGet();
        if (printed <= PRINTED_FAILURES) {
            operatorLog.error("internal failure in the {} ({} of {} printed; MCPGUARD_ON_ERROR decides the request)",
                    where, printed, PRINTED_FAILURES, error);
        }
    }
}
