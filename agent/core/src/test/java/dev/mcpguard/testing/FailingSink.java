package dev.mcpguard.testing;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.DecisionSink;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A decision sink whose recording throws a {@link LinkageError} (as a decision log whose class
 * does not link would) for a run of decisions, and records the others into a {@link RecordingSink}.
 * The guard records from inside its own failure handling too, so enough failures carry an Error
 * out of {@code Guard.checkOrFail} and into the adapter that called it: the adapter's own failure
 * path, through the real server. Reported failures always reach the recording sink.
 */
public final class FailingSink implements DecisionSink {
    private final RecordingSink into;
    private final int passing;
    private final long failing;
    private final AtomicInteger recorded = new AtomicInteger();

    /** Fails the first {@code failing} records. */
    public FailingSink(RecordingSink into, int failing) {
        this(into, 0, failing);
    }

    /** Records the first {@code passing} decisions, fails the {@code failing} after them. */
    public FailingSink(RecordingSink into, int passing, int failing) {
        this.into = into;
        this.passing = passing;
        this.failing = failing;
    }

    @Override
    public void record(Action action, Refusal refusal, Verdict request) {
        int index = recorded.getAndIncrement();
        if (index >= passing && index - passing < failing) {
            throw new LinkageError("loader constraint violation (a test's decision sink)");
        }
        into.record(action, refusal, request);
    }

    @Override
    public void internalError(String where, Throwable error) {
        into.internalError(where, error);
    }
}
