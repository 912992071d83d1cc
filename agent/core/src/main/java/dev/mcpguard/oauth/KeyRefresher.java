package dev.mcpguard.oauth;

import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.config.ConfigException;
import java.io.IOException;
import java.text.ParseException;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps {@link SigningKeys} current from one daemon thread, {@code mcpguard-jwks}, so that no
 * request ever waits on a fetch: the first read right after the agent starts (never on the
 * thread that loads the server's classes, inside whose class load the agent starts), then every
 * 10 minutes, when a token names an unknown key (at most every 30 s, so that tokens with made-up
 * {@code kid}s cannot make the agent hammer the issuer), and, for a file, when it changes. A read
 * that fails keeps the last good keys.
 */
public final class KeyRefresher {
    static final long PERIOD_MILLIS = 10 * 60_000;
    static final long UNKNOWN_KEY_INTERVAL_MILLIS = 30_000;
    static final long FILE_CHECK_MILLIS = 1000;
    private static final long NEVER = Long.MIN_VALUE;

    /** What the thread waits with: parks, so that {@link #refreshSoon()} can wake it. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    interface Clock {
        long millis();
    }

    private final KeySource source;
    private final String sourceName;
    private final SigningKeys keys;
    private final OperatorLog log;
    private volatile boolean asked;
    private volatile Thread thread;
    private long lastRead = NEVER;
    private String lastProblem;

    KeyRefresher(KeySource source, String sourceName, SigningKeys keys, OperatorLog log) {
        this.source = source;
        this.sourceName = sourceName;
        this.keys = keys;
        this.log = log;
    }

    /** Starts refreshing {@code keys} as {@code policy} says, on a thread of its own. */
    public static KeyRefresher start(JwtPolicy policy, SigningKeys keys, OperatorLog log) {
        KeyRefresher refresher = new KeyRefresher(KeySource.of(policy), policy.keySource(), keys, log);
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                refresher.loop(new Clock() {
                    @Override
                    public long millis() {
                        return System.currentTimeMillis();
                    }
                }, new Sleeper() {
                    @Override
                    public void sleep(long millis) throws InterruptedException {
                        LockSupport.parkNanos(refresher, millis * 1_000_000);
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                    }
                });
            }
        }, "mcpguard-jwks");
        thread.setDaemon(true);
        refresher.thread = thread;
        thread.start();
        return refresher;
    }

    /** What {@link JwtAuthenticator} calls on an unknown {@code kid}: returns at once, allocates nothing. */
    public Runnable unknownKeyCue() {
        return new Runnable() {
            @Override
            public void run() {
                refreshSoon();
            }
        };
    }

    void refreshSoon() {
        if (!asked) {
            asked = true;
            Thread waiting = thread;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }
    }

    void loop(Clock clock, Sleeper sleeper) {
        try {
            while (true) {
                sleeper.sleep(step(clock.millis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads the keys if that is due at {@code now}.
     *
     * @return milliseconds until the next step is due (a cue may come earlier)
     */
    long step(long now) {
        boolean never = lastRead == NEVER;
        boolean cued = asked && (never || now - lastRead >= UNKNOWN_KEY_INTERVAL_MILLIS);
        if (never || now - lastRead >= PERIOD_MILLIS || cued || source.watched() && source.changed()) {
            asked = false; // before the read: a cue during it asks for another
            lastRead = now;
            read();
        }
        long wait = lastRead + PERIOD_MILLIS - now;
        if (asked) {
            wait = Math.min(wait, lastRead + UNKNOWN_KEY_INTERVAL_MILLIS - now);
        }
        if (source.watched()) {
            wait = Math.min(wait, FILE_CHECK_MILLIS);
        }
        return Math.max(1, wait);
    }

    private static String kids(KeySet keys) {
        return keys.isEmpty() ? "none" : ConfigException.printable(String.join(",", keys.kids()));
    }

    private void read() {
        KeySet read;
        try {
            read = KeySet.parse(source.read());
        } catch (IOException | ParseException | RuntimeException e) {
            String problem = ConfigException.printable(String.valueOf(e.getMessage()));
            if (!problem.equals(lastProblem)) {
                log.error("could not read the JWT signing keys from {} ({}): keeping the {} key(s) read before",
                        sourceName, problem, keys.current().size());
                lastProblem = problem;
            }
            return;
        }
        if (lastProblem != null) {
            log.info("JWT signing keys read from {} again", sourceName);
            lastProblem = null;
        }
        KeySet before = keys.current();
        if (keys.replace(read)) {
            log.info("JWT signing keys from {}: {} key(s), kid {} (before: {})", sourceName, read.size(), kids(read),
                    kids(before));
        }
    }
}
