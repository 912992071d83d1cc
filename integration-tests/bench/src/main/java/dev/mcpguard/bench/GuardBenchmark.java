package dev.mcpguard.bench;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.audit.DecisionLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.Action;
import dev.mcpguard.core.DecisionSink;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
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
import dev.mcpguard.audit.OperatorLog;

/**
 * The gate core, {@link Guard#check}, on the requests an MCP server sees: the allow path of an
 * authenticated {@code tools/call} (token hashed and compared included) and one benchmark per
 * refusal reason. Guards are built as the agent's {@code Installer.guard} builds them from the
 * knobs {@code MCPGUARD_TOKEN}, {@code MCPGUARD_LOOPBACK_PATHS=/inspector},
 * {@code MCPGUARD_MAX_BODY_BYTES=2MiB}, defaults otherwise (prod, loopback origins and hosts).
 *
 * <p>Refusals go to a sink that does nothing, so that they measure the gates; {@code allowAudited}
 * and {@code refusedAudited} use the agent's real {@link AuditTrail} (counters, and the JSON
 * decision line for the refusal) writing to a null stream.
 *
 * <p>Run: {@code java -jar integration-tests/bench/target/benchmarks.jar -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class GuardBenchmark {
    static final String TOKEN = "bench-token-3f9c2a7d1e5b4c8a9f0e6d2b7a1c5e3f";
    static final String STACK = "bench";
    static final String LOOPBACK = "127.0.0.1";

    /** A decision sink that drops everything: what is measured is the gates. */
    static final DecisionSink NO_OP = new DecisionSink() {
        @Override
        public void record(Action action, Refusal refusal, Verdict request) {
        }

        @Override
        public void internalError(String where, Throwable error) {
        }
    };

    Guard guard;
    Guard audited;

    ArrayRequest allowed;
    ArrayRequest badPath;
    ArrayRequest loopbackOnly;
    ArrayRequest originNotAllowed;
    ArrayRequest hostNotAllowed;
    ArrayRequest missingToken;
    ArrayRequest invalidToken;
    ArrayRequest invalidRequest;
    ArrayRequest bodyTooLarge;
    ArrayRequest badContentLength;

    @Setup
    public void setUp() {
        guard = guard(NO_OP);
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        audited = guard(new AuditTrail(new DecisionLog(true, () -> nowhere), false, new OperatorLog(nowhere)));

        String bearer = "Bearer " + TOKEN;
        allowed = mcp("/mcp", "localhost:8080", bearer, "1100");
        badPath = mcp("/mcp/%2e%2e/inspector", "localhost:8080", bearer, "1100");
        loopbackOnly = new ArrayRequest("GET", "/inspector", LOOPBACK, LOOPBACK,
                "Host", "localhost:8080", "Authorization", bearer, "Accept", "text/html");
        originNotAllowed = mcp("/mcp", "localhost:8080", bearer, "1100", "Origin", "https://evil.example");
        hostNotAllowed = mcp("/mcp", "rebind.evil.example:8080", bearer, "1100");
        missingToken = mcp("/mcp", "localhost:8080", null, "1100");
        invalidToken = mcp("/mcp", "localhost:8080", "Bearer wrong-token-3f9c2a7d1e5b4c8a9f0e6d2b7a1c5e3f", "1100");
        invalidRequest = mcp("/mcp?access_token=" + TOKEN, "localhost:8080", bearer, "1100");
        bodyTooLarge = mcp("/mcp", "localhost:8080", bearer, Long.toString(3L << 20));
        badContentLength = mcp("/mcp", "localhost:8080", bearer, "1100, 1100");

        // Each benchmark must measure the path it is named for.
        expect(allowed, null);
        expect(badPath, "bad_path");
        expect(loopbackOnly, "loopback_only");
        expect(originNotAllowed, "origin_not_allowed");
        expect(hostNotAllowed, "host_not_allowed");
        expect(missingToken, "missing_token");
        expect(invalidToken, "invalid_token");
        expect(invalidRequest, "invalid_request");
        expect(bodyTooLarge, "body_too_large");
        expect(badContentLength, "bad_content_length");
    }

    private void expect(ArrayRequest request, String reason) {
        for (Guard g : new Guard[] {guard, audited}) {
            Verdict verdict = g.check(request, STACK);
            String actual = verdict.allowed() ? null : verdict.refusal().reason().id();
            if (!java.util.Objects.equals(actual, reason)) {
                throw new IllegalStateException("expected " + reason + ", got " + actual + " for " + request.rawPath());
            }
        }
    }

    /** Configured by knobs, as the agent is: every gate enforcing, the rest the product's defaults. */
    static Guard guard(DecisionSink sink) {
        Config config = Config.load(new KnobSource(Map.of(
                "MCPGUARD_MAX_BODY_BYTES", "2MiB",
                "MCPGUARD_TOKEN", TOKEN,
                "MCPGUARD_LOOPBACK_PATHS", "/inspector"), new Properties()));
        return new Guard(config.guardSettings(config.acceptedTokens(), null, null), sink);
    }

    /**
     * What an MCP client sends with a {@code tools/call} from a loopback peer to a loopback listener;
     * {@code authorization} null leaves it out; {@code extra} name/value pairs follow {@code Host}.
     */
    static ArrayRequest mcp(String target, String host, String authorization, String contentLength,
                                    String... extra) {
        List<String> headers = new ArrayList<>(List.of("Host", host));
        headers.addAll(List.of(extra));
        if (authorization != null) {
            headers.addAll(List.of("Authorization", authorization));
        }
        headers.addAll(List.of(
                "Content-Type", "application/json",
                "Accept", "application/json, text/event-stream",
                "MCP-Protocol-Version", "2025-06-18",
                "Mcp-Session-Id", "88a48b9f-d4c7-466e-b867-b86f5596e8c7",
                "User-Agent", "mcp-client/1.0",
                "Content-Length", contentLength));
        return new ArrayRequest("POST", target, LOOPBACK, LOOPBACK, headers.toArray(new String[0]));
    }

    /** The allow path: every gate runs, the token is hashed and compared. */
    @Benchmark
    public Verdict allow() {
        return guard.check(allowed, STACK);
    }

    /** The allow path with the agent's real audit trail (counters; allowed requests are not logged by default). */
    @Benchmark
    public Verdict allowAudited() {
        return audited.check(allowed, STACK);
    }

    @Benchmark
    public Verdict refuseBadPath() {
        return guard.check(badPath, STACK);
    }

    @Benchmark
    public Verdict refuseLoopbackOnly() {
        return guard.check(loopbackOnly, STACK);
    }

    @Benchmark
    public Verdict refuseOriginNotAllowed() {
        return guard.check(originNotAllowed, STACK);
    }

    @Benchmark
    public Verdict refuseHostNotAllowed() {
        return guard.check(hostNotAllowed, STACK);
    }

    @Benchmark
    public Verdict refuseMissingToken() {
        return guard.check(missingToken, STACK);
    }

    @Benchmark
    public Verdict refuseInvalidToken() {
        return guard.check(invalidToken, STACK);
    }

    @Benchmark
    public Verdict refuseInvalidRequest() {
        return guard.check(invalidRequest, STACK);
    }

    @Benchmark
    public Verdict refuseBodyTooLarge() {
        return guard.check(bodyTooLarge, STACK);
    }

    @Benchmark
    public Verdict refuseBadContentLength() {
        return guard.check(badContentLength, STACK);
    }

    /** A refusal with the real audit trail: counters plus one JSON decision line, to a null stream. */
    @Benchmark
    public Verdict refuseInvalidTokenAudited() {
        return audited.check(invalidToken, STACK);
    }
}
