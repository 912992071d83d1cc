package dev.mcpguard.bench;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Verdict;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The allow path of {@link GuardBenchmark#allow} with the RATE and MCP gates off (as before issue
 * 14) and on: a rate limit high enough never to refuse, the session id bound to the principal,
 * and with {@code MCPGUARD_TOOL_SCOPES} the 1 KiB {@code tools/call} body read through the
 * request's meter as the application reads it. The target: RATE and MCP on within 1.3× of off.
 *
 * <p>Run: {@code java -jar integration-tests/bench/target/benchmarks.jar LimitsBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LimitsBenchmark {
    Guard off;
    Guard on;
    Guard toolScopes;
    ArrayRequest request;
    byte[] body;

    @Setup
    public void setUp() {
        off = guard(Map.of("MCPGUARD_RATE_MODE", "off", "MCPGUARD_MCP_MODE", "off"));
        on = guard(Map.of("MCPGUARD_RATE_LIMIT", "999999999/s"));
        toolScopes = guard(Map.of("MCPGUARD_RATE_LIMIT", "999999999/s", "MCPGUARD_TOOL_SCOPES", "write_file="));
        body = SnifferBenchmark.body();
        request = GuardBenchmark.mcp("/mcp", "localhost:8080", "Bearer " + GuardBenchmark.TOKEN,
                Integer.toString(body.length));
        for (Guard guard : new Guard[] {off, on, toolScopes}) {
            if (!guard.check(request, GuardBenchmark.STACK).allowed()) {
                throw new IllegalStateException("the allow path is refused");
            }
        }
        if (readBody() != BodyMeter.Answer.GO_ON) {
            throw new IllegalStateException("the write_file call is refused");
        }
    }

    private static Guard guard(Map<String, String> knobs) {
        Map<String, String> env = new HashMap<>(knobs);
        env.put("MCPGUARD_MAX_BODY_BYTES", "2MiB");
        env.put("MCPGUARD_TOKEN", GuardBenchmark.TOKEN);
        env.put("MCPGUARD_LOOPBACK_PATHS", "/inspector");
        Config config = Config.load(new KnobSource(env, new Properties()));
        return new Guard(config.guardSettings(config.acceptedTokens(), null, null), GuardBenchmark.NO_OP);
    }

    /** The allow path as it was before the RATE and MCP gates. */
    @Benchmark
    public Verdict allowRateAndMcpOff() {
        return off.check(request, GuardBenchmark.STACK);
    }

    /** A limit that never refuses, the session id bound: a bucket's compare-and-set and a map read more. */
    @Benchmark
    public Verdict allowRateAndMcpOn() {
        return on.check(request, GuardBenchmark.STACK);
    }

    /** With tool scopes: the gates, then the 1 KiB body through the meter and its sniffer in one read. */
    @Benchmark
    public BodyMeter.Answer allowToolCallRead() {
        return readBody();
    }

    private BodyMeter.Answer readBody() {
        Verdict verdict = toolScopes.check(request, GuardBenchmark.STACK);
        return verdict.bodyMeter().add(body, 0, body.length);
    }
}
