package dev.mcpguard.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** {@code java -jar mcpguard-agent.jar <command>}: the operator's tools, in the agent jar itself. */
public final class Main {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** The status the agent stops the JVM with on an invalid knob (EX_CONFIG). */
    static final int INVALID_CONFIGURATION = 78;

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(List.of(args), System.in, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            Help.usage(err);
            return USAGE;
        }
        List<String> rest = args.subList(1, args.size());
        switch (args.get(0)) {
            case "check":
                return CheckCommand.run(rest, out, err);
            case "hash-token":
                return HashTokenCommand.run(rest, in, out, err);
            case "report":
                return ReportCommand.run(rest, in, out, err);
            case "attach":
                return AttachCommand.run(rest, out, err);
            case "version":
            case "--version":
                out.println("mcpguard " + Help.version());
                return OK;
            case "help":
            case "--help":
            case "-h":
                Help.print(out);
                return OK;
            default:
                err.println("mcpguard: unknown command " + Help.printable(args.get(0)) + "; see --help");
                return USAGE;
        }
    }
}
