package dev.mcpguard.core;

import java.util.ArrayList;
import java.util.List;

/** A {@link DecisionSink} that keeps every decision and internal failure, in order. */
public final class RecordingSink implements DecisionSink {

    /** One recorded decision; {@code detail} as it was when recorded (the verdict's is cleared after). */
    public record Decision(Action action, Refusal refusal, Verdict verdict, String detail) {
        /** {@code "blocked auth/missing_token/401"}, or {@code "allowed"}. */
        @Override
        public String toString() {
            return refusal == null ? action.id() : action.id() + " " + refusal;
        }
    }

    /** One reported internal failure. */
    public record Failure(String where, Throwable error) {
    }

    private final List<Decision> decisions = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    @Override
    public void record(Action action, Refusal refusal, Verdict request) {
        decisions.add(new Decision(action, refusal, request, request.detail()));
    }

    @Override
    public void internalError(String where, Throwable error) {
        failures.add(new Failure(where, error));
    }

    public List<Decision> decisions() {
        return decisions;
    }

    /** The details of the decisions that had one, in order. */
    public List<String> details() {
        List<String> details = new ArrayList<>();
        for (Decision decision : decisions) {
            if (decision.detail() != null) {
                details.add(decision.detail());
            }
        }
        return details;
    }

    /** The decisions in their {@link Decision#toString()} form, for readable assertions. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Decision decision : decisions) {
            lines.add(decision.toString());
        }
        return lines;
    }

    public List<Failure> failures() {
        return failures;
    }

    public void clear() {
        decisions.clear();
        failures.clear();
    }
}
