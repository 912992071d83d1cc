package dev.mcpguard.agent;

import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.TokenFile;
import dev.mcpguard.core.AcceptedTokens;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Re-reads {@code MCPGUARD_TOKEN_FILE} once a second on a daemon thread, so tokens rotate and are
 * revoked without a restart and requests never wait on file I/O (design §9). A file without token
 * lines accepts no token: emptying it revokes everything. A file missing or unreadable for more
 * than {@link #MISSING_GRACE_MILLIS} accepts none; before that the last good set stays, so that a
 * replace (delete, then write) never locks anyone out. A malformed file keeps the last good set:
 * a typo must not lock everyone out either. {@code MCPGUARD_TOKEN} and
 * {@code MCPGUARD_TOKEN_SHA256} tokens are not in the file and stay accepted through all of this.
 * Each change of state is one log line.
 */
final class TokenFileWatcher implements Runnable {
    private static final long INTERVAL_MILLIS = 1000;
    static final long MISSING_GRACE_MILLIS = 10_000;
    private static final long NANOS_PER_MILLI = 1_000_000;

    private final Path file;
    private final List<AcceptedTokens.Entry> fixed;
    private final AcceptedTokens accepted;
    private final OperatorLog log;
    /** Monotonic nanoseconds: a wall clock set back must not stretch the grace of a missing file. */
    private final LongSupplier nanoTime;
    /** The file's entries now accepted: empty once it had no token line or went missing. */
    private List<TokenFile.Entry> current;
    /** {@link #nanoTime} when the file was first found missing, or -1 while it is there. */
    private long missingSince = -1;
    /** Missing for longer than the grace: its tokens are no longer accepted. */
    private boolean gone;
    /** The malformed file's problem already logged, or {@code null}. */
    private String malformed;

    TokenFileWatcher(Path file, List<TokenFile.Entry> atStart, List<AcceptedTokens.Entry> fixed,
                     AcceptedTokens accepted, OperatorLog log, LongSupplier nanoTime) {
        this.file = file;
        this.current = atStart;
        this.fixed = fixed;
        this.accepted = accepted;
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /**
     * @param accepted the set the guard reads, built from {@code config}: from now on this
     *                 watcher replaces its entries whenever the token file changes
     */
    static void start(Config config, AcceptedTokens accepted, OperatorLog log) {
        if (config.tokenFile() == null) {
            return;
        }
        Thread thread = new Thread(new TokenFileWatcher(config.tokenFile(), config.fileTokenEntries(),
                config.fixedTokenEntries(), accepted, log, new SystemNanoTime()), "mcpguard-token-file");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
                check();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("token file check failed; the accepted tokens are unchanged", e);
            }
        }
    }

    void check() {
        List<TokenFile.Entry> read;
        try {
            read = TokenFile.read(file);
        } catch (IOException e) {
            missing(e);
            return;
        } catch (TokenFile.Malformed e) {
            missingSince = -1;
            gone = false;
            if (!e.getMessage().equals(malformed)) {
                malformed = e.getMessage();
                log.error("MCPGUARD_TOKEN_FILE {} is malformed ({}): keeping the {} token(s) accepted so far",
                        file, malformed, accepted.size());
            }
            return;
        }
        boolean wasGone = gone;
        boolean wasMalformed = malformed != null;
        missingSince = -1;
        gone = false;
        malformed = null;
        if (!wasGone && read.equals(current)) {
            if (wasMalformed) {
                log.info("MCPGUARD_TOKEN_FILE {} is well-formed again: {} token(s) accepted, unchanged", file,
                        accepted.size());
            }
            return;
        }
        int now = fixed.size() + read.size();
        if (read.isEmpty()) {
            log.warn("MCPGUARD_TOKEN_FILE {} has no token line: it accepts no token now ({} token(s) accepted now, "
                    + "{} before)", file, now, accepted.size());
        } else if (wasGone) {
            log.info("MCPGUARD_TOKEN_FILE {} is back: {} token(s) accepted now, {} before", file, now, accepted.size());
        } else {
            log.info("MCPGUARD_TOKEN_FILE {} changed: {} token(s) accepted now, {} before", file, now, accepted.size());
        }
        replace(read);
    }

    private void missing(IOException problem) {
        malformed = null;
        long now = nanoTime.getAsLong();
        if (missingSince < 0) {
            missingSince = now;
        }
        if (gone || now - missingSince <= MISSING_GRACE_MILLIS * NANOS_PER_MILLI) {
            return;
        }
        gone = true;
        log.error("MCPGUARD_TOKEN_FILE {} has been missing or unreadable for more than {} s ({}): it accepts no "
                        + "token now ({} token(s) accepted now, {} before)", file, MISSING_GRACE_MILLIS / 1000,
                problem.getClass().getSimpleName(), fixed.size(), accepted.size());
        replace(List.of());
    }

    /**
     * Accepts exactly {@code entries} and the fixed tokens from now on. Called after the change's
     * line is written, so that whoever sees the change take effect finds its line already there.
     */
    private void replace(List<TokenFile.Entry> entries) {
        List<AcceptedTokens.Entry> all = new ArrayList<>(fixed);
        for (TokenFile.Entry entry : entries) {
            all.add(entry.accepted());
        }
        accepted.replace(all);
        current = entries;
    }

    /** Not {@code System::nanoTime}: the agent starts inside the server's start, where each lambda shape costs. */
    private static final class SystemNanoTime implements LongSupplier {
        @Override
        public long getAsLong() {
            return System.nanoTime();
        }
    }
}
