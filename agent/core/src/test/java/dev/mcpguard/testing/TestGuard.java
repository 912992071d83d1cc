package dev.mcpguard.testing;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.RecordingSink;
import java.util.List;

/**
 * The guard the adapter tests run their servers under, built in this one place so that a change
 * to how a guard is configured is made here only: every gate enforcing (but those named log-only),
 * the contract's defaults otherwise, one accepted {@link #TOKEN}, decisions recorded in a
 * {@link RecordingSink}. Activated for the adapters in this JVM until {@link #close}.
 */
public final class TestGuard implements AutoCloseable {
    public static final String TOKEN = "good-token";

    private final Guard previous;

    private TestGuard(Guard previous) {
        this.previous = previous;
    }

    /** @param logOnly gates that log what they would block instead of blocking it */
    public static TestGuard activate(RecordingSink sink, long maxBodyBytes, GateName... logOnly) {
        Guard.Builder builder = Guard.builder().sink(sink).maxBodyBytes(maxBodyBytes)
                .tokens(AcceptedTokens.of(List.of(AcceptedTokens.sha256(TOKEN))));
        for (GateName gate : logOnly) {
            builder.mode(gate, GateMode.LOG_ONLY);
        }
        TestGuard active = new TestGuard(ActiveGuard.get());
        ActiveGuard.set(builder.build());
        return active;
    }

    /** Puts back the guard that was active before. */
    @Override
    public void close() {
        ActiveGuard.set(previous);
    }
}
