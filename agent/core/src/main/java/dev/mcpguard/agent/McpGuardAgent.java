package dev.mcpguard.agent;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.KnobSource;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;

/**
 * The {@code -javaagent} and attach entry points. They only put the agent jar on the bootstrap
 * class path and hand over to {@link Installer} loaded from there: the gate core must be one
 * copy, visible from every class loader a server may use, the bootstrap loader included.
 */
public final class McpGuardAgent {
    /** EX_CONFIG from sysexits.h: the JVM stops with it on an invalid knob. */
    static final int INVALID_CONFIGURATION = 78;
    private static final String INSTALLER = "dev.mcpguard.agent.Installer";

    private McpGuardAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) throws Exception {
        // Validated here first, while nothing has been printed: appending to the bootstrap class
        // path makes the JVM warn about class sharing, and a bad knob must stop the JVM with
        // exactly one line. The installer reads the knobs again from the bootstrap copy.
        try {
            Config.load(KnobSource.ofProcess());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(INVALID_CONFIGURATION);
        }
        install(instrumentation, null);
    }

    /**
     * Loaded into a running JVM by {@code java -jar mcpguard-agent.jar attach}. The knobs are the
     * attaching command's, handed over in a private directory ({@link AttachHandover}): the
     * running JVM's environment cannot be changed, and agent arguments can end up in diagnostics
     * (JFR records them) where a token must not. Failures are written back for the command to
     * print, with one line here, and never thrown: an exception from agentmain fills the
     * server's stderr with JVM assertion messages, and an operator's typo must not take a running
     * server down.
     */
    public static void agentmain(String handoverDirectory, Instrumentation instrumentation) {
        if (handoverDirectory == null || handoverDirectory.isEmpty()) {
            System.err.println("mcpguard: not started; attach with `java -jar mcpguard-agent.jar attach <pid>`, "
                    + "which hands the knobs over");
            return;
        }
        Path directory = Path.of(handoverDirectory);
        try {
            Map<String, String> knobs = AttachHandover.readKnobs(directory);
            Config.load(new KnobSource(knobs, new Properties()));
            AttachHandover.writeReport(directory, install(instrumentation, knobs));
        } catch (Exception e) {
            // Also the installer's own exceptions: its ConfigException is the bootstrap loader's class, not this one.
            String reason = e instanceof InvocationTargetException ? e.getCause().getMessage() : e.getMessage();
            System.err.println("mcpguard: attach refused: " + reason);
            try {
                AttachHandover.writeReport(directory, List.of(AttachHandover.FAILED + reason));
            } catch (IOException | RuntimeException unwritable) {
                System.err.println("mcpguard: the attach report could not be written: " + unwritable);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> install(Instrumentation instrumentation, Map<String, String> knobs) throws Exception {
        File jar = agentJar();
        Class<?> installer;
        try {
            // Already there after -javaagent or an earlier attach: the installer refuses a second start.
            installer = Class.forName(INSTALLER, true, null);
        } catch (ClassNotFoundException e) {
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            installer = Class.forName(INSTALLER, true, null);
        }
        return (List<String>) installer.getMethod("install", Instrumentation.class, File.class, Map.class)
                .invoke(null, instrumentation, jar, knobs);
    }

    private static File agentJar() throws URISyntaxException {
        return new File(McpGuardAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
