package dev.mcpguard.cli;

import dev.mcpguard.agent.AttachHandover;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.Knob;
import dev.mcpguard.config.KnobSource;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * {@code attach PID}: loads this jar into a running JVM. The knobs are this command's
 * environment and system properties, validated here first, so what {@code check} prints in the
 * same shell is what the running JVM gets; that JVM's own environment is not consulted.
 */
final class AttachCommand {

    private AttachCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 1 || !args.get(0).matches("[1-9][0-9]{0,18}")) {
            err.println("usage: java -jar mcpguard-agent.jar attach PID");
            return Main.USAGE;
        }
        String pid = args.get(0);
        File agentJar = agentJar();
        if (agentJar == null) {
            err.println("mcpguard: attach must run from the agent jar (java -jar mcpguard-agent.jar attach PID)");
            return Main.FAILED;
        }
        KnobSource here = KnobSource.ofProcess();
        try {
            // As check reads them, so that an error names the variable or property actually set.
            Config.load(here);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Main.INVALID_CONFIGURATION;
        }
        Map<String, String> knobs = knobs(here);
        for (String unknown : here.unknownNames()) {
            err.println("unknown: " + Help.printable(unknown) + " names no knob and is not handed over");
        }
        Path handover = null;
        try {
            handover = AttachHandover.create(knobs);
            String failure = null;
            try {
                ByteBuddyAgent.attach(agentJar, pid, handover.toString());
            } catch (RuntimeException e) {
                failure = rootCause(e);
            }
            List<String> report = AttachHandover.readReport(handover);
            if (report.isEmpty()) {
                err.println("mcpguard: attach to " + pid + " failed: "
                        + (failure != null ? failure : "the agent did not report back; see the JVM's stderr"));
                return Main.FAILED;
            }
            if (report.get(0).startsWith(AttachHandover.FAILED)) {
                err.println("mcpguard: attach to " + pid + " failed: "
                        + report.get(0).substring(AttachHandover.FAILED.length()));
                return Main.FAILED;
            }
            report.forEach(out::println);
            return Main.OK;
        } catch (IOException e) {
            err.println("mcpguard: attach to " + pid + " failed: " + e.getMessage());
            return Main.FAILED;
        } finally {
            if (handover != null) {
                try {
                    AttachHandover.delete(handover);
                } catch (IOException e) {
                    err.println("mcpguard: could not delete " + handover + " (it holds the knobs): " + e.getMessage());
                }
            }
        }
    }

    /** The knobs set here, by environment name; a token file's path made absolute for the other JVM. */
    static Map<String, String> knobs(KnobSource source) {
        Map<String, String> knobs = new TreeMap<>();
        for (Knob<?> knob : Knob.all()) {
            String value = source.get(knob);
            if (value != null) {
                knobs.put(knob.envName(), knob == Knob.TOKEN_FILE ? absolute(value) : value);
            }
        }
        return knobs;
    }

    /** Byte Buddy wraps the attach API's exceptions, which wrap the reason (no such process, say). */
    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** As given when it is no path at all: validation then names it. */
    private static String absolute(String file) {
        try {
            return file.isBlank() ? file : Path.of(file.strip()).toAbsolutePath().toString();
        } catch (InvalidPathException e) {
            return file;
        }
    }

    private static File agentJar() {
        try {
            File location = new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.isFile() ? location : null;
        } catch (URISyntaxException | SecurityException e) {
            return null;
        }
    }
}
