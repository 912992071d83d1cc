package dev.mcpguard.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The lines a child process writes on one stream, kept for the life of the process and readable while they
 * arrive. Lines are split like {@link BufferedReader#readLine()} does, on CR as well as LF: a raw CR that
 * leaked into a log line therefore shows up here as a second line, which is what the CR/LF tests look for.
 */
final class LogLines {

    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    /** Starts a daemon thread that copies {@code in} into a new buffer until the stream ends. */
    static LogLines pump(InputStream in, String threadName) {
        LogLines sink = new LogLines();
        Thread pump = new Thread(() -> sink.copy(in), threadName);
        pump.setDaemon(true);
        pump.start();
        return sink;
    }

    private void copy(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                add(line);
            }
        } catch (IOException e) {
            // the process was destroyed while we read: what we have is all there is
        } finally {
            end();
        }
    }

    private synchronized void add(String line) {
        lines.add(line);
        notifyAll();
    }

    private synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** How many lines there are now; a mark for {@link #since(int)} and {@link #await}. */
    synchronized int size() {
        return lines.size();
    }

    synchronized List<String> all() {
        return List.copyOf(lines);
    }

    synchronized List<String> since(int mark) {
        return List.copyOf(lines.subList(mark, lines.size()));
    }

    /** Waits until the stream has ended (the process exited), at most {@code timeout}. */
    synchronized boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            if (!waitUntil(deadline)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index of the first line at or after {@code from} that matches, waiting for it at most {@code timeout};
     * empty when it did not come in time or the stream ended without it.
     */
    synchronized Optional<Integer> await(int from, Predicate<String> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int next = from; ; ) {
            for (; next < lines.size(); next++) {
                if (matches.test(lines.get(next))) {
                    return Optional.of(next);
                }
            }
            if (ended || !waitUntil(deadline)) {
                return Optional.empty();
            }
        }
    }

    /** Waits for a change or the deadline; false once the deadline has passed. */
    private boolean waitUntil(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            wait(Math.max(1, left / 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for output", e);
        }
    }

    @Override
    public synchronized String toString() {
        return String.join("\n", lines);
    }
}
