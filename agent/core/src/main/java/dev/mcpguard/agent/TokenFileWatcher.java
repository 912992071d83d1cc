package dev.mcpguard.agent;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.core.AcceptedTokens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import dev.mcpguard.audit.OperatorLog;

/**
 * Re-reads {@code MCPGUARD_TOKEN_FILE} once a second on a daemon thread, so tokens rotate without
 * a restart and requests never wait on file I/O. A file that turns unreadable, empty or
 * malformed keeps the last good set: rotation must never fail open, nor lock everyone out.
 */
final class TokenFileWatcher implements Runnable {
    private static final long INTERVAL_MILLIS = 1000;

    private final Path file;
    private final List<byte[]> fixedDigests;
    private final AcceptedTokens accepted;
    private final OperatorLog log;
    private List<byte[]> current;
    private String lastProblem;

    private TokenFileWatcher(Path file, List<byte[]> current, List<byte[]> fixedDigests, AcceptedTokens accepted,
                             OperatorLog log) {
        this.file = file;
        this.current = current;
        this.fixedDigests = fixedDigests;
        this.accepted = accepted;
        this.log = log;
    }

    /**
     * @param accepted the set the guard reads, built from {@code config}: from now on this
     *                 watcher replaces its digests whenever the token file changes
     */
    static void start(Config config, AcceptedTokens accepted, OperatorLog log) {
        if (config.tokenFile() == null) {
            return;
        }
        Thread thread = new Thread(new TokenFileWatcher(config.tokenFile(), config.fileTokenDigests(),
                config.fixedTokenDigests(), accepted, log), "mcpguard-token-file");
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
        List<byte[]> read;
        try {
            read = Config.readTokenFile(file);
        } catch (ConfigException e) {
            String problem = e.getMessage();
            if (!problem.equals(lastProblem)) {
                log.error("MCPGUARD_TOKEN_FILE {} cannot be used ({}): keeping the {} token(s) accepted so far",
                        file, problem, accepted.size());
                lastProblem = problem;
            }
            return;
        }
        lastProblem = null;
        if (sameDigests(read, current)) {
            return;
        }
        List<byte[]> all = new ArrayList<>(read);
        all.addAll(fixedDigests);
        int before = accepted.size();
        accepted.replace(Config.anonymous(all));
        current = read;
        log.info("MCPGUARD_TOKEN_FILE {} changed: {} token(s) accepted now, {} before", file, all.size(), before);
    }

    private static boolean sameDigests(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
