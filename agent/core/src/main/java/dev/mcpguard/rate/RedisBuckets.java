package dev.mcpguard.rate;

import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.core.RateSettings;
import dev.mcpguard.core.SharedBuckets;
import dev.mcpguard.egress.OwnConnections;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Rate buckets in Redis, shared by every instance that names the same Redis: one atomic Lua
 * script per request (GCRA on one key, {@code mcpguard:rate:<key>}, holding the bucket's
 * theoretical arrival time in microseconds), timed by Redis's own {@code TIME} so that the
 * replicas' clocks do not matter, and expiring when the bucket is full again so that idle
 * buckets vanish.
 *
 * <p>An outage costs one request at most {@link #TIMEOUT_MILLIS} (or a few, racing it): the first
 * failure marks Redis down, and from then on {@link #take} answers {@link #UNAVAILABLE} without
 * any I/O until the daemon thread {@code mcpguard-redis}, trying the script every second, gets an
 * answer again. One ERROR line on the operator log per outage, one INFO line when it ends.
 *
 * <p>Only the installer names this class, and only with {@code MCPGUARD_RATE_REDIS_URL} set: no
 * Jedis or pool class loads without it.
 */
public final class RedisBuckets implements SharedBuckets {
    /**
     * Connect, read and pool-wait timeout. A healthy Redis answers the script in well under a
     * millisecond on a LAN, and one the request cannot wait on is as good as down: a fixed 100 ms
     * bounds what the one request that finds an outage pays, and what a slow Redis adds to each.
     */
    static final int TIMEOUT_MILLIS = 100;
    /** How often the background thread tries a Redis marked down. */
    static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * Connections at most: a script takes tens of microseconds, so a few connections carry tens of
     * thousands of requests a second; more requests than that at once wait (up to the timeout),
     * and one that waits it out falls back alone (Redis is not marked down for it).
     */
    static final int MAX_CONNECTIONS = 32;
    static final String KEY_PREFIX = "mcpguard:rate:";
    /** What the background thread's tries count against: no principal or address key has this shape. */
    static final String PROBE_KEY = KEY_PREFIX + "probe";

    /**
     * GCRA, in microseconds (Lua's numbers are doubles: exact to 2^53, ~285 years of them).
     * ARGV: the interval in µs, the burst. Returns 0 (allowed, the arrival time advanced) or the
     * µs until a request would be (nothing written). replicate_commands lets Redis 3.2 to 4 write
     * after TIME; later versions always replicate effects and ignore it.
     */
    static final String SCRIPT = "if redis.replicate_commands then redis.replicate_commands() end\n"
            + "local t = redis.call('TIME')\n"
            + "local now = t[1] * 1000000 + t[2]\n"
            + "local interval = tonumber(ARGV[1])\n"
            + "local tat = tonumber(redis.call('GET', KEYS[1])) or now\n"
            + "if tat < now then tat = now end\n"
            + "local later = tat + interval\n"
            + "local wait = later - now - interval * tonumber(ARGV[2])\n"
            + "if wait > 0 then return wait end\n"
            + "redis.call('SET', KEYS[1], string.format('%d', later), 'PX', string.format('%d', math.ceil((later - now) / 1000)))\n"
            + "return 0\n";
    /** SHA-1 of {@link #SCRIPT} (a test checks it): computing it at start would load the security providers. */
    static final String SCRIPT_SHA1 = "abac893c285d6b162ca11bb068a31fff95063307";

    private final RedisClient redis;
    private final String endpoint;
    private final String password;
    private final String whileDown;
    private final OperatorLog log;
    private final AtomicBoolean down = new AtomicBoolean();
    private volatile long downSince;
    private volatile Thread prober;

    RedisBuckets(URI url, RateSettings.OnSharedError onError, OperatorLog log) {
        String[] credentials = credentials(url.getUserInfo());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(TIMEOUT_MILLIS)
                .socketTimeoutMillis(TIMEOUT_MILLIS)
                .ssl(url.getScheme().equalsIgnoreCase("rediss"))
                .database(database(url))
                .clientName("mcpguard")
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .user(credentials[0])
                .password(credentials[1]);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxIdle(MAX_CONNECTIONS);
        pool.setMaxWait(Duration.ofMillis(TIMEOUT_MILLIS));
        pool.setJmxEnabled(false); // the agent registers its own MBean; a pool's would be noise in the server's JMX
        int port = url.getPort() > 0 ? url.getPort() : 6379;
        this.redis = RedisClient.builder().hostAndPort(url.getHost(), port).clientConfig(config.build())
                .poolConfig(pool).build();
        this.endpoint = url.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + url.getHost() + ":" + port + "/"
                + database(url);
        this.password = credentials[1];
        this.whileDown = whileDown(onError);
        this.log = log;
    }

    /**
     * Shared buckets in the Redis at {@code url}, with {@code mcpguard-redis} started: it connects
     * and loads the script in the background at once, so that no request pays for that (nor for a
     * TLS handshake) and an unreachable Redis is reported at start.
     */
    public static SharedBuckets start(URI url, RateSettings.OnSharedError onError, OperatorLog log) {
        RedisBuckets buckets = new RedisBuckets(url, onError, log);
        buckets.startProber();
        return buckets;
    }

    void startProber() {
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                watch();
            }
        }, "mcpguard-redis");
        thread.setDaemon(true);
        prober = thread;
        thread.start();
    }

    @Override
    public long take(String key, long intervalNanos, long burst) {
        if (down.get()) {
            return UNAVAILABLE;
        }
        try {
            return run(KEY_PREFIX + key, intervalNanos, burst);
        } catch (RuntimeException | LinkageError e) {
            if (e.getCause() instanceof java.util.NoSuchElementException) {
                // every connection busy for the whole timeout: a burst of this instance's, not an
                // outage; this request alone falls back
                return UNAVAILABLE;
            }
            fail(e);
            return UNAVAILABLE;
        }
    }

    /** Connections open in the pool, not in use. */
    int idleConnections() {
        return redis.getPool().getNumIdle();
    }

    /** Whether a failure marked Redis down and it has not answered since. */
    boolean down() {
        return down.get();
    }

    /**
     * Below a microsecond an interval counts as one: a Redis runs one script at a time, each
     * taking microseconds, so such a bucket could not run dry anyway.
     */
    private long run(String key, long intervalNanos, long burst) {
        List<String> keys = List.of(key);
        List<String> args = List.of(Long.toString(Math.max(1, intervalNanos / 1000)), Long.toString(burst));
        Object micros;
        OwnConnections.begin(); // the pool may connect here: the operator's Redis, never the EGRESS gate's to refuse
        try {
            micros = redis.evalsha(SCRIPT_SHA1, keys, args);
        } catch (JedisNoScriptException e) {
            // a restarted (or flushed) Redis has forgotten it: EVAL runs it and caches it again
            micros = redis.eval(SCRIPT, keys, args);
        } finally {
            OwnConnections.end();
        }
        return (Long) micros * 1000;
    }

    private void fail(Throwable e) {
        if (down.compareAndSet(false, true)) {
            downSince = System.nanoTime();
            log.error("Redis at {} failed ({}): {} until it answers again (tried every second)", endpoint,
                    describe(e), whileDown);
            LockSupport.unpark(prober);
        }
    }

    /** The prober: the first try at once, then, while Redis is down, one a second. */
    private void watch() {
        probe();
        while (!Thread.currentThread().isInterrupted()) {
            if (!down.get()) {
                LockSupport.park(this);
                continue;
            }
            LockSupport.parkNanos(this, PROBE_NANOS);
            if (down.get() && probe()) {
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - downSince);
                down.set(false);
                log.info("Redis at {} answers again after {} s: rate buckets are shared again", endpoint, seconds);
            }
        }
    }

    /** Runs the script once, on a key of its own; a first failure marks Redis down. */
    private boolean probe() {
        // Connections idle in the pool since before an outage would fail the first requests after it.
        redis.getPool().clear();
        try {
            run(PROBE_KEY, 1000, 1);
            return true;
        } catch (RuntimeException | LinkageError e) {
            fail(e);
            return false;
        }
    }

    /** Stops the prober and closes the connections (tests; the agent's lasts as long as the JVM). */
    void close() {
        Thread thread = prober;
        if (thread != null) {
            thread.interrupt();
        }
        redis.close();
    }

    /** The exception and its causes' messages, printable, never the password. */
    private String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = e; cause != null && text.length() < 400; cause = cause.getCause()) {
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(' ').append(cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        String described = ConfigException.printable(text.toString());
        return password == null || password.isEmpty() ? described : described.replace(password, "<redacted>");
    }

    private static String whileDown(RateSettings.OnSharedError onError) {
        switch (onError) {
            case ALLOW: return "requests are not rate-limited (MCPGUARD_RATE_REDIS_ON_ERROR=allow)";
            case DENY: return "requests under a rate limit are refused with 503 (MCPGUARD_RATE_REDIS_ON_ERROR=deny)";
            default: return "each instance limits with its own buckets (MCPGUARD_RATE_REDIS_ON_ERROR=local)";
        }
    }

    /**
     * {@code user:password}, {@code :password}, or a bare {@code password} (a Redis before 6 has
     * no users): {user or null, password or null}.
     */
    static String[] credentials(String userInfo) {
        if (userInfo == null || userInfo.isEmpty()) {
            return new String[2];
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            return new String[] {null, userInfo};
        }
        return new String[] {colon == 0 ? null : userInfo.substring(0, colon), userInfo.substring(colon + 1)};
    }

    private static int database(URI url) {
        String path = url.getPath();
        return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
    }
}
