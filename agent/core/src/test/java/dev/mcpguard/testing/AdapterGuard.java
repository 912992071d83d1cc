package dev.mcpguard.testing;

import dev.mcpguard.core.DecisionSink;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.RecordingSink;

/**
 * The guard the adapter tests run their servers under: every gate enforcing (but those named
 * log-only), the contract's defaults otherwise, one accepted {@link #TOKEN}, decisions recorded
 * in a {@link RecordingSink} (or any sink). Active for the adapters in this JVM until {@link #close}.
 */
public final class AdapterGuard implements AutoCloseable {
    public static final String TOKEN = "good-token";
    private final Guard previous;

    private AdapterGuard(Guard previous) {
        this.previous = previous;
    }

    /** @param logOnly gates that log what they would block instead of blocking it */
    public static AdapterGuard activate(DecisionSink sink, long maxBodyBytes, GateName... logOnly) {
        TestGuard guard = TestGuard.builder().sink(sink)
                .knob("MCPGUARD_MAX_BODY_BYTES", Long.toString(maxBodyBytes))
                .knob("MCPGUARD_TOKEN", TOKEN);
        for (GateName gate : logOnly) {
            guard.mode(gate, GateMode.LOG_ONLY);
        }
        return new AdapterGuard(StaticState.swapGuard(guard.build()));
    }

    /** Puts back the guard that was active before. */
    @Override
    public void close() {
        StaticState.swapGuard(previous);
    }
}
