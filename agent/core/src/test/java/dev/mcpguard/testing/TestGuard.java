package dev.mcpguard.testing;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.DecisionSink;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.BearerAuthenticator;
import dev.mcpguard.core.GuardSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A {@link Guard} for tests, configured as an operator would: by knobs, through the agent's own
 * parsing, so a test gets the product's defaults for everything it does not set.
 */
public final class TestGuard {
    private final Map<String, String> env = new HashMap<>();
    private DecisionSink sink;
    private BearerAuthenticator jwt;
    private java.util.function.LongSupplier nanoTime;
    private dev.mcpguard.core.SharedBuckets shared;

    private TestGuard() {
    }

    public static TestGuard builder() {
        return new TestGuard();
    }

    /** @param name the knob's environment name, {@code MCPGUARD_...} */
    public TestGuard knob(String name, String value) {
        env.put(name, value);
        return this;
    }

    public TestGuard without(String name) {
        env.remove(name);
        return this;
    }

    public TestGuard mode(GateName gate, GateMode mode) {
        return knob("MCPGUARD_" + gate.name() + "_MODE", mode.knobValue());
    }

    public TestGuard sink(DecisionSink sink) {
        this.sink = sink;
        return this;
    }

    /** JWT validation as the agent would build it from the knobs; none by default. */
    public TestGuard jwt(BearerAuthenticator jwt) {
        this.jwt = jwt;
        return this;
    }

    /** The monotonic clock rates and session idleness are judged against; the system's by default. */
    public TestGuard nanoTime(java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        return this;
    }

    /** Shared rate buckets standing in for Redis (with {@code MCPGUARD_RATE_REDIS_URL} set too). */
    public TestGuard shared(dev.mcpguard.core.SharedBuckets shared) {
        this.shared = shared;
        return this;
    }

    public GuardSettings settings() {
        Config config = Config.load(new KnobSource(env, new Properties()));
        GuardSettings s = config.guardSettings(config.acceptedTokens(), jwt, shared);
        return nanoTime == null ? s : new GuardSettings(s.modes(), s.maxBodyBytes(), s.tokens(), s.jwt(),
                s.requiredScopes(), s.realm(), s.resourceMetadataUrl(), s.metadata(), s.clock(), s.publicPaths(),
                s.loopbackPaths(), s.prod(), s.trustProdLoopback(), s.relayHeaders(), s.origins(), s.hosts(),
                s.denyOnError(), s.rate(), s.sessionBinding(), s.toolScopes(), nanoTime);
    }

    public Guard build() {
        return new Guard(settings(), sink);
    }
}
