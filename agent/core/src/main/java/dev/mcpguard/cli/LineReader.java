package dev.mcpguard.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * The lines of a log as {@link java.io.BufferedReader#readLine()} splits them ({@code \n},
 * {@code \r} or {@code \r\n}), handed out one character at a time so that no line is ever held
 * whole: the application shares stderr with the agent, and a decision line carries a path an
 * attacker chose, so a line may be any length and must still be read to its end.
 */
final class LineReader implements DecisionLineParser.Chars {
    private final Reader in;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean inLine;
    private boolean afterCr;

    LineReader(Reader in) {
        this.in = in;
    }

    /**
     * Skips what is left of the current line and moves to the next one.
     *
     * @return whether there is a next line; like {@code readLine()}, the end of the input after a
     *         terminator is not an empty line
     */
    boolean nextLine() throws IOException {
        while (inLine) {
            read();
        }
        if (!fill()) {
            return false;
        }
        if (afterCr) {
            afterCr = false;
            if (buffer[position] == '\n') {
                position++;
                if (!fill()) {
                    return false;
                }
            }
        }
        inLine = true;
        return true;
    }

    /** @return the next character of the current line, {@code -1} at its end (the terminator is consumed) */
    @Override
    public int read() throws IOException {
        if (!inLine || !fill()) {
            inLine = false;
            return -1;
        }
        char c = buffer[position++];
        if (c == '\n' || c == '\r') {
            afterCr = c == '\r';
            inLine = false;
            return -1;
        }
        return c;
    }

    /** @return whether a character is buffered, reading more when none is */
    private boolean fill() throws IOException {
        while (position == limit) {
            int read = in.read(buffer);
            if (read < 0) {
                return false;
            }
            position = 0;
            limit = read;
        }
        return true;
    }
}
