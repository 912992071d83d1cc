package dev.mcpguard.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * Lines as {@link java.io.BufferedReader#readLine()} splits them ({@code \n}, {@code \r} or
 * {@code \r\n}), except that at most {@link #MAX_CHARS} of a line are kept: the application
 * shares stderr with the agent, and one gigabyte-long line of its output must not exhaust memory.
 * No decision line comes near the limit, since servers cap the request line far below it.
 */
final class LineReader {
    static final int MAX_CHARS = 64 * 1024;

    private final Reader in;
    private final char[] buffer = new char[8192];
    private final StringBuilder line = new StringBuilder();
    private int position;
    private int limit;
    private boolean afterCr;
    private boolean cut;

    LineReader(Reader in) {
        this.in = in;
    }

    /** @return the next line without its terminator, {@code null} at the end of the input */
    String next() throws IOException {
        line.setLength(0);
        cut = false;
        while (true) {
            if (position == limit) {
                limit = Math.max(in.read(buffer), 0);
                position = 0;
                if (limit == 0) {
                    return line.length() > 0 ? line.toString() : null;
                }
            }
            char c = buffer[position++];
            if (afterCr) {
                afterCr = false;
                if (c == '\n') {
                    continue;
                }
            }
            if (c == '\n' || c == '\r') {
                afterCr = c == '\r';
                return line.toString();
            }
            if (line.length() < MAX_CHARS) {
                line.append(c);
            } else {
                cut = true;
            }
        }
    }

    /** Whether the line last returned was longer than {@link #MAX_CHARS} and was cut. */
    boolean cut() {
        return cut;
    }
}
