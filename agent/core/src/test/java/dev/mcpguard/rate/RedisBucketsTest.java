package dev.mcpguard.rate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.core.RateSettings;
import dev.mcpguard.core.SharedBuckets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shared buckets against a real redis-server on loopback, killed and restarted mid-test. */
@Timeout(60)
class RedisBucketsTest {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final OperatorLog log = new OperatorLog(new PrintStream(logged, true, StandardCharsets.UTF_8));
    private final List<RedisBuckets> opened = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() throws InterruptedException {
        for (RedisBuckets buckets : opened) {
            buckets.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private RedisBuckets buckets(String url, RateSettings.OnSharedError onError) {
        RedisBuckets buckets = new RedisBuckets(URI.create(url), onError, log);
        opened.add(buckets);
        buckets.startProber();
        return buckets;
    }

    private RedisBuckets buckets(String url) {
        return buckets(url, RateSettings.OnSharedError.LOCAL);
    }

    private List<String> lines(String level) {
        List<String> lines = new ArrayList<>();
        for (String line : logged.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains(" " + level + " mcpguard - ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what).isNegative();
            Thread.sleep(20);
        }
    }

    /** {@code threads} takes at once, on keys of their own. */
    private static void takeAtOnce(RedisBuckets buckets, int threads) {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String key = "p:crowd-" + i;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                buckets.take(key, MINUTE, 1000);
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        for (Thread thread : started) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theScriptsDigestIsItsSha1() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(RedisBuckets.SCRIPT.getBytes(StandardCharsets.UTF_8));
        assertThat(RedisBuckets.SCRIPT_SHA1).isEqualTo(HexFormat.of().formatHex(digest));
    }

    @Test
    void credentialsFromTheUrlsUserInfo() {
        assertThat(RedisBuckets.credentials(null)).containsExactly(null, null);
        assertThat(RedisBuckets.credentials("alice:p:w")).containsExactly("alice", "p:w");
        assertThat(RedisBuckets.credentials(":secret")).containsExactly(null, "secret");
        assertThat(RedisBuckets.credentials("secret")).containsExactly(null, "secret");
    }

    @Test
    void twoInstancesShareOneBucket() throws Exception {
        redis = RedisServer.start();
        RedisBuckets first = buckets(redis.url());
        RedisBuckets second = buckets(redis.url());
        long interval = MINUTE / 5;
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add((i % 2 == 0 ? first : second).take("p:alice", interval, 5));
        }
        assertThat(waits).containsOnly(0L);
        long sixth = second.take("p:alice", interval, 5);
        assertThat(sixth).isBetween(interval - TimeUnit.SECONDS.toNanos(2), interval);
        assertThat(first.take("p:alice", interval, 5)).as("refused on the other instance too").isPositive();
        assertThat(first.take("p:bob", interval, 5)).as("another key has a bucket of its own").isZero();
        long ttl = Long.parseLong(redis.command("PTTL " + RedisBuckets.KEY_PREFIX + "p:alice").substring(1));
        assertThat(ttl).as("expires when the bucket is full again: 5 intervals").isBetween(MINUTE / 1_000_000 - 3000,
                MINUTE / 1_000_000);
        assertThat(lines("ERROR")).isEmpty();
    }

    @Test
    void theBucketRefillsOnRedisTime() throws Exception {
        redis = RedisServer.start();
        RedisBuckets buckets = buckets(redis.url());
        long interval = TimeUnit.MILLISECONDS.toNanos(200);
        assertThat(buckets.take("a:192.0.2.1", interval, 1)).isZero();
        long wait = buckets.take("a:192.0.2.1", interval, 1);
        assertThat(wait).isBetween(1L, interval);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 5);
        assertThat(buckets.take("a:192.0.2.1", interval, 1)).isZero();
    }

    @Test
    void anIntervalBelowAMicrosecondCountsAsOne() throws Exception {
        redis = RedisServer.start();
        RedisBuckets buckets = buckets(redis.url());
        // a round trip takes far longer than a microsecond, so such a bucket never runs dry; and the
        // key's expiry rounds up to 1 ms (PX 0 would fail the script)
        for (int i = 0; i < 100; i++) {
            assertThat(buckets.take("p:fast", 1, 1)).isZero();
        }
    }

    @Test
    void aRedisThatForgotTheScriptIsSentItAgain() throws Exception {
        redis = RedisServer.start();
        RedisBuckets buckets = buckets(redis.url());
        assertThat(buckets.take("p:alice", MINUTE, 2)).isZero();
        assertThat(redis.command("SCRIPT FLUSH")).isEqualTo("+OK");
        assertThat(buckets.take("p:alice", MINUTE, 2)).isZero();
        assertThat(buckets.take("p:alice", MINUTE, 2)).isPositive();
        assertThat(lines("ERROR")).isEmpty();
    }

    @Test
    void theDatabaseAndThePasswordComeFromTheUrl() throws Exception {
        redis = RedisServer.start("--requirepass", "s3cret-pw");
        RedisBuckets buckets = buckets("redis://:s3cret-pw@127.0.0.1:" + redis.port() + "/3");
        assertThat(buckets.take("p:alice", MINUTE, 2)).isZero();
        assertThat(redis.command("AUTH s3cret-pw", "SELECT 3", "PTTL " + RedisBuckets.KEY_PREFIX + "p:alice"))
                .startsWith(":").isNotEqualTo(":-2");
        assertThat(redis.command("AUTH s3cret-pw", "PTTL " + RedisBuckets.KEY_PREFIX + "p:alice")).as("database 0")
                .isEqualTo(":-2");
    }

    @Test
    void aWrongPasswordIsOneErrorThatNeverShowsIt() throws Exception {
        redis = RedisServer.start("--requirepass", "s3cret-pw");
        RedisBuckets buckets = buckets("redis://:wrong-pw@127.0.0.1:" + redis.port());
        await(() -> lines("ERROR").size() == 1, "the prober's first try fails");
        assertThat(buckets.take("p:alice", MINUTE, 2)).isEqualTo(SharedBuckets.UNAVAILABLE);
        assertThat(lines("ERROR")).singleElement().asString()
                .contains("Redis at redis://127.0.0.1:" + redis.port() + "/0 failed (")
                .contains("each instance limits with its own buckets")
                .doesNotContain("wrong-pw");
    }

    @Test
    void anOutageIsOneErrorNoWaitingAndItsEndOneInfo() throws Exception {
        redis = RedisServer.start();
        RedisBuckets buckets = buckets(redis.url(), RateSettings.OnSharedError.DENY);
        long interval = MINUTE / 3;
        assertThat(buckets.take("p:alice", interval, 3)).isZero();
        assertThat(buckets.take("p:alice", interval, 3)).isZero();
        // several connections idle in the pool, which the outage will break under it
        await(() -> {
            takeAtOnce(buckets, 8);
            return buckets.idleConnections() > 2;
        }, "connections idle in the pool");

        redis.kill();
        long started = System.nanoTime();
        assertThat(buckets.take("p:alice", interval, 3)).isEqualTo(SharedBuckets.UNAVAILABLE);
        assertThat(System.nanoTime() - started).as("the request that finds the outage waits a timeout at most")
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(RedisBuckets.TIMEOUT_MILLIS * 3));
        assertThat(buckets.down()).isTrue();
        started = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            assertThat(buckets.take("p:alice", interval, 3)).isEqualTo(SharedBuckets.UNAVAILABLE);
        }
        assertThat(System.nanoTime() - started).as("no I/O while down").isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
        Thread.sleep(2500); // the prober tries twice meanwhile, quietly
        assertThat(lines("ERROR")).singleElement().asString()
                .contains("Redis at redis://127.0.0.1:" + redis.port() + "/0 failed (")
                .contains("refused with 503 (MCPGUARD_RATE_REDIS_ON_ERROR=deny)");
        assertThat(lines("INFO")).isEmpty();

        redis.restart();
        long restarted = System.nanoTime();
        await(() -> !buckets.down(), "the prober sees Redis answer");
        assertThat(System.nanoTime() - restarted).as("at its next try: not one try per dead connection first")
                .isLessThan(RedisBuckets.PROBE_NANOS * 2);
        assertThat(lines("INFO")).singleElement().asString()
                .contains("Redis at redis://127.0.0.1:" + redis.port() + "/0 answers again after ")
                .contains("rate buckets are shared again");
        // a fresh Redis (nothing saved): a full bucket, and the script sent again
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.take("p:alice", interval, 3)).isZero();
        }
        assertThat(buckets.take("p:alice", interval, 3)).isPositive();
        takeAtOnce(buckets, 8);
        assertThat(lines("ERROR")).as("connections from before the outage, dead, were not reused").hasSize(1);

        redis.kill();
        assertThat(buckets.take("p:alice", interval, 3)).isEqualTo(SharedBuckets.UNAVAILABLE);
        assertThat(lines("ERROR")).as("a second outage, a second line").hasSize(2);
    }
}
