package dev.mcpguard.cli;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.KnobSource;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code check}: the knobs read exactly as the agent reads them at start, so that an operator
 * can validate a deployment's environment before restarting a server with it.
 */
final class CheckCommand {

    private CheckCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            err.println("mcpguard: check takes no arguments; it reads MCPGUARD_* variables and mcpguard.* properties");
            return Main.USAGE;
        }
        return check(KnobSource.ofProcess(), out, err);
    }

    static int check(KnobSource source, PrintStream out, PrintStream err) {
        Config config;
        try {
            config = Config.load(source);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Main.INVALID_CONFIGURATION;
        }
        out.println("mcpguard " + Help.version() + ": configuration valid");
        for (String set : config.setKnobs()) {
            out.println("  set " + set);
        }
        for (String line : config.summary()) {
            out.println("  " + line);
        }
        for (String entry : config.tokenFileEntries()) {
            out.println("  " + entry);
        }
        for (String relaxation : config.relaxations()) {
            out.println("relaxed: " + relaxation);
        }
        for (String warning : config.credentialWarnings(System.currentTimeMillis())) {
            out.println("warning: " + warning);
        }
        for (String unknown : config.unknownKnobs()) {
            out.println("unknown: " + Help.printable(unknown) + " names no knob and is ignored (its value is not shown)");
        }
        if (config.authFailsClosed()) {
            out.println("fail-closed: " + Config.FAIL_CLOSED_WARNING);
        }
        return Main.OK;
    }
}
