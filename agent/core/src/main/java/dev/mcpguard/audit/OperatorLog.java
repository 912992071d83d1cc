package dev.mcpguard.audit;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The agent's lines for operators (banner, warnings, failures) on stderr:
 * {@code 2026-12-05T13:18:24.448Z WARN mcpguard - message}. Written here rather than through a
 * logging library: the agent starts inside the server's start, and a logging back end's
 * service lookup and date formatting (the locale machinery) cost more than everything else the
 * agent does before the server listens. Messages take {@code {}} placeholders; a
 * {@link Throwable} after the last one is printed with its stack trace.
 */
public final class OperatorLog {
    private final PrintStream out;

    public OperatorLog(PrintStream out) {
        this.out = out;
    }

    /** Looked up at each line, so that an application that replaces System.err gets ours too. */
    public static OperatorLog stderr() {
        return new OperatorLog(null);
    }

    public void info(String message, Object... arguments) {
        print("INFO", message, arguments);
    }

    public void warn(String message, Object... arguments) {
        print("WARN", message, arguments);
    }

    public void error(String message, Object... arguments) {
        print("ERROR", message, arguments);
    }

    private void print(String level, String message, Object[] arguments) {
        StringBuilder line = new StringBuilder(message.length() + 64);
        DecisionLog.timestamp(line, System.currentTimeMillis());
        line.append(' ').append(level).append(" mcpguard - ");
        int used = 0;
        int from = 0;
        for (int at = message.indexOf("{}"); at >= 0 && used < arguments.length; at = message.indexOf("{}", from)) {
            line.append(message, from, at).append(arguments[used++]);
            from = at + 2;
        }
        line.append(message, from, message.length());
        if (used < arguments.length && arguments[arguments.length - 1] instanceof Throwable) {
            StringWriter trace = new StringWriter();
            ((Throwable) arguments[arguments.length - 1]).printStackTrace(new PrintWriter(trace));
            line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        (out != null ? out : System.err).println(line.toString());
    }
}
