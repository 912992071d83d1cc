package dev.mcpguard.agent;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.KnobSource;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.util.jar.JarFile;

/**
 * The {@code -javaagent} entry point. It only puts the agent jar on the bootstrap class path and
 * hands over to {@link Installer} loaded from there: the gate core must be one copy, visible
 * from every class loader a server may use, the bootstrap loader included.
 */
public final class McpGuardAgent {
    /** EX_CONFIG from sysexits.h: the JVM stops with it on an invalid knob. */
    static final int INVALID_CONFIGURATION = 78;

    private McpGuardAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) throws Exception {
        start(instrumentation);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) throws Exception {
        start(instrumentation);
    }

    private static void start(Instrumentation instrumentation) throws Exception {
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
        File jar = agentJar();
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        Class.forName("dev.mcpguard.agent.Installer", true, null)
                .getMethod("install", Instrumentation.class, File.class)
                .invoke(null, instrumentation, jar);
    }

    private static File agentJar() throws URISyntaxException {
        return new File(McpGuardAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
