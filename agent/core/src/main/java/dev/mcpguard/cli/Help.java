package dev.mcpguard.cli;

import dev.mcpguard.config.Knob;
import java.io.PrintStream;

/** {@code --help}: the commands, then every knob with its default. */
final class Help {

    private Help() {
    }

    /** The jar's Implementation-Version. */
    static String version() {
        String version = Help.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    static void usage(PrintStream out) {
        out.println("usage: java -jar mcpguard-agent.jar <command>");
        out.println("  check               validate the MCPGUARD_* knobs of this environment and print the effective configuration");
        out.println("  hash-token          read a token on stdin, print its SHA-256 for MCPGUARD_TOKEN_SHA256");
        out.println("  report [--json] [--top N] FILE...");
        out.println("                      summarize decision logs (- for stdin): gate x reason x action, top paths and clients");
        out.println("  attach PID          load the agent into a running JVM, with the knobs of this environment");
        out.println("  version             print the version");
        out.println("  --help              this text, with every knob");
    }

    static void print(PrintStream out) {
        out.println("mcpguard " + version() + ": request gates for unmodified JVM HTTP servers");
        out.println();
        usage(out);
        out.println();
        out.println("as an agent: java -javaagent:mcpguard-agent.jar ... (or JAVA_TOOL_OPTIONS=-javaagent:...)");
        out.println();
        out.println("knobs: environment variables, or system properties mcpguard.x.y (they win); a bad value stops the JVM");
        int width = 0;
        for (Knob<?> knob : Knob.all()) {
            width = Math.max(width, knob.envName().length());
        }
        for (Knob<?> knob : Knob.all()) {
            out.printf("  %-" + width + "s  %s (default: %s)%n", knob.envName(), plain(knob.description()),
                    plain(defaultText(knob)));
        }
        out.println();
        out.println("exit status: 0 ok, 1 failed, 2 usage error, 78 invalid knob");
    }

    /** The default column of README's knob table and of this text: markdown, values in backticks. */
    static String defaultText(Knob<?> knob) {
        String value = knob.defaultValue();
        if (value == null) {
            return knob.whenUnset();
        }
        return value.isEmpty() ? "none" : "`" + value + "`";
    }

    /** Markdown's backticks dropped, for the terminal. */
    private static String plain(String markdown) {
        return markdown.replace("`", "");
    }

    /** A user-supplied word in an error line: printable ASCII only, so it cannot drive the terminal. */
    static String printable(String word) {
        StringBuilder out = new StringBuilder(word.length());
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
