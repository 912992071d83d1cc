package dev.mcpguard.core;

/** Where every decision goes: counters always, the decision log as configured. */
public interface DecisionSink {

    /**
     * @param refusal the refusal enforced or that would be; {@code null} for {@link Action#ALLOWED}
     * @param request the facts of the request being decided
     */
    void record(Action action, Refusal refusal, Verdict request);

    /** A gate or adapter failed internally; called for each failure, the sink decides what to print. */
    void internalError(String where, Throwable error);
}
