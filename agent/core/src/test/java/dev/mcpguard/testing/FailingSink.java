package dev.mcpguard.testing;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.DecisionSink;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A decision sink whose recording throws a {@link LinkageError} (as a decision log whose class
 * does not link would) the first {@code failing} times, then records into a {@link RecordingSink}.
 * The guard records from inside its own failure handling too, so enough failures carry an Error
 * out of {@code Guard.checkOrFail} and into the adapter that called it: the adapter's own failure
 * path, through the real server. Reported failures always reach the recording sink.
 */
public final class FailingSink implements DecisionSink {
    private final RecordingSink into;
    private final AtomicInteger failuresLeft;

    public FailingSink(RecordingSink into, int failing) {
        this.into = into;
        this.failuresLeft = new AtomicInteger(failing);
    }

    @Override
    public void record(Action action, Refusal refusal, Verdict request) {
        if (failuresLeft.getAndDecrement() > 0) {
            throw new LinkageError("loader constraint violation (a test's decision sink)");
        }
        into.record(action, refusal, request);
    }

    @Override
    public void internalError(String where, Throwable error) {
        into.internalError(where, error);
    }
}
