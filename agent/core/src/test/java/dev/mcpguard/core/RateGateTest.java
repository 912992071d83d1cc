package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.testing.TestGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateGateTest {
    private static final String STACK = "test";
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    static Path dir;
    static Path tokenFile;

    private final RecordingSink sink = new RecordingSink();
    private final AtomicLong now = new AtomicLong(123 * SECOND);

    @BeforeAll
    static void tokens() throws IOException {
        tokenFile = Files.writeString(dir.resolve("tokens"), "alice-token name=alice\nbob-token name=bob\n"
                + "fast-token name=fast rate=10/s\n");
    }

    private TestGuard guard(String limit) {
        TestGuard guard = TestGuard.builder().sink(sink).nanoTime(now::get)
                .knob("MCPGUARD_TOKEN_FILE", tokenFile.toString());
        return limit == null ? guard : guard.knob("MCPGUARD_RATE_LIMIT", limit);
    }

    private static FakeRequest as(String token) {
        FakeRequest.Builder request = FakeRequest.builder().method("POST").target("/mcp").peer("127.0.0.1")
                .local("127.0.0.1").header("Host", "localhost");
        return (token == null ? request : request.header("Authorization", "Bearer " + token)).build();
    }

    private static FakeRequest from(String peer) {
        return FakeRequest.builder().method("GET").target("/.well-known/oauth-protected-resource").peer(peer)
                .local("10.0.0.2").build();
    }

    /** The outcome of each request: "ok" or the refusal's status and Retry-After. */
    private static List<String> outcomes(Guard guard, FakeRequest request, int times) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            outcomes.add(outcome(guard.check(request, STACK)));
        }
        return outcomes;
    }

    private static String outcome(Verdict verdict) {
        if (verdict.allowed()) {
            return "ok";
        }
        Refusal refusal = verdict.refusal();
        String retryAfter = null;
        for (int i = 0; i < refusal.headerCount(true); i++) {
            if (refusal.headerName(i).equals("Retry-After")) {
                retryAfter = refusal.headerValue(i);
            }
        }
        return refusal.status() + " " + refusal.reason().id() + " retry-after=" + retryAfter;
    }

    @Test
    void theBurstPassesThenEachRequestWaitsOneIntervalRoundedUpToWholeSeconds() {
        Guard guard = guard("3/min").build();

        assertThat(outcomes(guard, as("alice-token"), 4))
                .containsExactly("ok", "ok", "ok", "429 rate_limited retry-after=20");
        now.addAndGet(19 * SECOND);
        assertThat(outcome(guard.check(as("alice-token"), STACK))).isEqualTo("429 rate_limited retry-after=1");
        now.addAndGet(SECOND);
        assertThat(outcomes(guard, as("alice-token"), 2)).containsExactly("ok", "429 rate_limited retry-after=20");
        assertThat(sink.lines()).contains("blocked rate/rate_limited/429");
    }

    @Test
    void theRefusalIsJsonRpcTooManyRequests() {
        Guard guard = guard("1/h").build();
        guard.check(as("alice-token"), STACK);

        Refusal refusal = guard.check(as("alice-token"), STACK).refusal();

        assertThat(new String(refusal.body(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32009,\"message\":\"Too Many Requests\","
                        + "\"data\":{\"gate\":\"rate\",\"error\":\"rate_limited\"}}}");
        assertThat(outcome(guard.check(as("alice-token"), STACK))).isEqualTo("429 rate_limited retry-after=3600");
    }

    @Test
    void aBurstLargerThanTheRateLetsThatManyThrough() {
        Guard guard = guard("1/s").knob("MCPGUARD_RATE_BURST", "5").build();

        assertThat(outcomes(guard, as("alice-token"), 6)).containsExactly("ok", "ok", "ok", "ok", "ok",
                "429 rate_limited retry-after=1");
    }

    @Test
    void anotherPrincipalHasItsOwnBucket() {
        Guard guard = guard("2/min").build();
        outcomes(guard, as("alice-token"), 3);

        assertThat(outcomes(guard, as("bob-token"), 3)).containsExactly("ok", "ok", "429 rate_limited retry-after=30");
        assertThat(sink.decisions()).filteredOn(d -> d.refusal() != null)
                .extracting(d -> d.verdict().principal().name()).containsExactly("alice", "bob");
    }

    @Test
    void aTokenFileRateReplacesTheLimitAndAppliesWithoutOne() {
        assertThat(outcomes(guard("1/min").build(), as("fast-token"), 11)).endsWith("ok", "429 rate_limited retry-after=1");
        Guard noLimit = guard(null).build();
        assertThat(outcomes(noLimit, as("fast-token"), 11)).endsWith("ok", "429 rate_limited retry-after=1");
        assertThat(outcomes(noLimit, as("alice-token"), 50)).containsOnly("ok");
    }

    @Test
    void withoutAPrincipalTheClientAddressCountsAndIpv6ByItsSlash64() {
        Guard guard = guard("1/min").build();

        assertThat(outcome(guard.check(from("198.18.0.7"), STACK))).isEqualTo("ok");
        assertThat(outcome(guard.check(from("198.18.0.7"), STACK))).startsWith("429");
        assertThat(outcome(guard.check(from("198.18.0.8"), STACK))).isEqualTo("ok");
        assertThat(outcome(guard.check(from("::ffff:198.18.0.8"), STACK))).startsWith("429");
        assertThat(outcome(guard.check(from("2001:db8:1:2::1"), STACK))).isEqualTo("ok");
        assertThat(outcome(guard.check(from("2001:db8:1:2:ffff::99"), STACK))).startsWith("429");
        assertThat(outcome(guard.check(from("2001:db8:1:3::1"), STACK))).isEqualTo("ok");
    }

    @Test
    void logOnlyRecordsWouldBlockAndLetsThrough() {
        Guard guard = guard("1/min").mode(GateName.RATE, GateMode.LOG_ONLY).build();

        assertThat(outcomes(guard, as("alice-token"), 3)).containsOnly("ok");
        assertThat(sink.lines()).containsExactly("allowed", "would_block rate/rate_limited/429", "allowed",
                "would_block rate/rate_limited/429", "allowed");
    }

    @Test
    void offCountsNothing() {
        Guard guard = guard("1/min").mode(GateName.RATE, GateMode.OFF).build();

        assertThat(outcomes(guard, as("alice-token"), 5)).containsOnly("ok");
    }

    @Test
    void sharedBucketsDecideWhileTheyAnswer() {
        List<String> keys = new ArrayList<>();
        long[] answer = {0};
        SharedBuckets redis = (key, interval, burst) -> {
            keys.add(key + " " + interval + " " + burst);
            return answer[0];
        };
        Guard guard = guard("6/min").knob("MCPGUARD_RATE_REDIS_URL", "redis://127.0.0.1:6379").shared(redis).build();

        assertThat(outcome(guard.check(as("alice-token"), STACK))).isEqualTo("ok");
        answer[0] = 2_500_000_000L;
        assertThat(outcome(guard.check(as("alice-token"), STACK))).isEqualTo("429 rate_limited retry-after=3");
        assertThat(outcome(guard.check(from("198.18.0.7"), STACK))).startsWith("429");
        assertThat(keys).containsExactly("p:token#alice 10000000000 6", "p:token#alice 10000000000 6",
                "a:198.18.0.7 10000000000 6");
    }

    @Test
    void unavailableSharedBucketsFallBackAsConfigured() {
        SharedBuckets down = (key, interval, burst) -> SharedBuckets.UNAVAILABLE;
        TestGuard base = guard("1/min").knob("MCPGUARD_RATE_REDIS_URL", "redis://127.0.0.1:6379").shared(down);

        assertThat(outcomes(base.build(), as("alice-token"), 2)).containsExactly("ok", "429 rate_limited retry-after=60");
        assertThat(outcomes(base.knob("MCPGUARD_RATE_REDIS_ON_ERROR", "allow").build(), as("alice-token"), 3))
                .containsOnly("ok");
        sink.clear();
        assertThat(outcomes(base.knob("MCPGUARD_RATE_REDIS_ON_ERROR", "deny").build(), as("alice-token"), 1))
                .containsExactly("503 gate_error retry-after=null");
        assertThat(sink.lines()).containsExactly("blocked rate/gate_error/503");
        assertThat(sink.details()).containsExactly("shared_buckets_unavailable");
    }

    @Test
    void aFloodOfAddressesIsBoundedAndSharesTheOverflowBuckets() {
        LocalBuckets buckets = new LocalBuckets(1_000, now.get());
        long interval = 60 * SECOND;
        int allowed = 0;
        java.util.Set<Integer> overflowUsed = new java.util.HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String key = "10.0." + (i >> 8) + "." + (i & 0xff);
            long wait = buckets.take(key, interval, 1, now.get());
            assertThat(wait).as("request %s", i).isIn(0L, interval);
            allowed += wait == 0 ? 1 : 0;
            if (i >= 1_000) {
                overflowUsed.add((key.hashCode() & 0x7fffffff) % LocalBuckets.OVERFLOW);
            }
        }
        assertThat(allowed).as("each admitted key once, then each overflow bucket once")
                .isEqualTo(1_000 + overflowUsed.size());
        assertThat(overflowUsed).hasSizeGreaterThan(LocalBuckets.OVERFLOW / 2);
        assertThat(buckets.size()).isEqualTo(1_000);
        assertThat(buckets.take("10.0.0.1", interval, 1, now.get())).as("known keys keep their own bucket")
                .isEqualTo(interval);

        now.addAndGet(interval);
        assertThat(buckets.take("192.0.2.1", interval, 1, now.get())).as("a sweep frees full buckets").isZero();
        assertThat(buckets.size()).isEqualTo(1);
    }

    @Test
    void concurrentTakersNeverExceedTheBurst() throws InterruptedException {
        LocalBuckets buckets = new LocalBuckets(10, 0);
        AtomicLong allowed = new AtomicLong();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (buckets.take("k", SECOND, 100, 0) == 0) {
                        allowed.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(allowed.get()).isEqualTo(100);
    }
}
