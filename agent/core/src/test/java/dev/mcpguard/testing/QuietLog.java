package dev.mcpguard.testing;

import dev.mcpguard.audit.OperatorLog;
import java.io.OutputStream;
import java.io.PrintStream;

/** An operator log that prints nothing, for tests that do not look at it. */
public final class QuietLog {
    public static final OperatorLog LOG = new OperatorLog(new PrintStream(OutputStream.nullOutputStream()));

    private QuietLog() {
    }
}
