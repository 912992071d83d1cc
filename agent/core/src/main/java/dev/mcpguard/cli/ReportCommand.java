package dev.mcpguard.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code report [--json] [--top N] FILE...}: compares the decision logs of instances that saw the
 * same traffic, typically one enforcing and one in log-only mode (design §1, A/B enforcement).
 * Each FILE is an agent's stderr as captured, {@code -} for standard input.
 */
public final class ReportCommand {
    private static final String USAGE = "usage: report [--json] [--top N] FILE...";
    private static final int DEFAULT_TOP = 3;
    private static final String STDIN = "-";

    private ReportCommand() {
    }

    private record Options(boolean json, int top, List<String> files) {
    }

    /** A mistake on the command line, reported in one line with the usage. */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param args   what follows {@code report} on the command line
     * @param stdin  read for the file {@code -}, not closed
     * @return 0 when the report was printed, 2 for a usage error or an unreadable file (one line on {@code err})
     */
    public static int run(List<String> args, InputStream stdin, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("report: " + e.getMessage() + "; " + USAGE);
            return 2;
        }
        List<String> names = options.files().stream().map(ReportCommand::logName).toList();
        Report report = new Report(names);
        for (int i = 0; i < names.size(); i++) {
            String file = options.files().get(i);
            try {
                if (file.equals(STDIN)) {
                    read(stdin, report, i);
                } else {
                    try (InputStream in = Files.newInputStream(Path.of(file))) {
                        read(in, report, i);
                    }
                }
            } catch (IOException | InvalidPathException e) {
                err.println("report: cannot read " + Printable.text(names.get(i)) + ": " + describe(e));
                return 2;
            }
        }
        if (options.json()) {
            JsonReport.print(report, options.top(), out);
        } else {
            TextReport.print(report, options.top(), out);
        }
        return 0;
    }

    private static Options parse(List<String> args) throws UsageException {
        boolean json = false;
        int top = DEFAULT_TOP;
        List<String> files = new ArrayList<>();
        boolean optionsEnd = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnd || arg.equals(STDIN) || !arg.startsWith("-")) {
                files.add(arg);
            } else if (arg.equals("--")) {
                optionsEnd = true;
            } else if (arg.equals("--json")) {
                json = true;
            } else if (arg.equals("--top")) {
                if (++i == args.size()) {
                    throw new UsageException("--top needs a number");
                }
                top = count(args.get(i));
            } else {
                throw new UsageException("unknown option " + Printable.text(arg));
            }
        }
        if (files.isEmpty()) {
            throw new UsageException("no log file given");
        }
        Set<String> seen = new HashSet<>();
        for (String file : files) {
            // a log's name keys its column and its JSON counts, so two logs cannot share one
            if (!seen.add(logName(file))) {
                throw new UsageException("two logs named " + Printable.text(logName(file)));
            }
        }
        return new Options(json, top, files);
    }

    private static String logName(String file) {
        return file.equals(STDIN) ? "stdin" : file;
    }

    private static int count(String value) throws UsageException {
        try {
            int top = Integer.parseInt(value);
            if (top >= 0) {
                return top;
            }
        } catch (NumberFormatException e) {
            // reported below with the negative ones
        }
        throw new UsageException("--top needs a number of 0 or more, not " + Printable.text(value));
    }

    /** Line by line, so that the size of a log or of a line does not matter; bytes that are not UTF-8 become U+FFFD. */
    private static void read(InputStream in, Report report, int log) throws IOException {
        LineReader lines = new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
        while (lines.nextLine()) {
            report.add(log, DecisionLineParser.parse(lines));
        }
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : Printable.text(e.getMessage());
    }
}
