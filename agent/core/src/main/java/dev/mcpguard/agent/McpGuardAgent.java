package dev.mcpguard.agent;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.KnobSource;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.jar.JarFile;

/**
 * The {@code -javaagent} and attach entry points. At JVM start only the knobs are checked and a
 * {@link LazyStart} registered: the agent itself starts when a hooked server's first class loads,
 * so the JVMs of a container that run no server ({@code java -version}, build tools) pay almost
 * nothing and print nothing. An attach starts it at once.
 */
public final class McpGuardAgent {
    /** EX_CONFIG from sysexits.h: the JVM stops with it on an invalid knob. */
    static final int INVALID_CONFIGURATION = 78;
    private static final String INSTALLER = "dev.mcpguard.agent.Installer";
    private static final String ALREADY_ACTIVE = "mcpguard is already active in this JVM; nothing was changed";
    /** One start per JVM: a second attach, or an attach after -javaagent, changes nothing. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private McpGuardAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        // Validated here, before the application runs and while nothing has been printed: a bad
        // knob must stop the JVM with exactly one line. The installer reads the knobs again when
        // the agent starts. With no knob set there is nothing to validate (the defaults parse, as
        // ConfigTest shows), and the configuration classes need not load into every JVM.
        KnobSource knobs = KnobSource.ofProcess();
        boolean egress = false;
        if (!knobs.setsNothing()) {
            try {
                egress = Config.load(knobs).egressOn();
            } catch (ConfigException e) {
                halt(e.getMessage());
            }
        }
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        // The EGRESS gate must be in place before the application's first connect, which may come
        // long before (or without) any server class: it starts the agent now.
        new LazyStart(instrumentation, null).register(egress);
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
            if (!STARTED.compareAndSet(false, true)) {
                throw new IllegalStateException(ALREADY_ACTIVE);
            }
            List<String> report;
            try {
                report = new LazyStart(instrumentation, knobs).startNow();
            } catch (Exception e) {
                // Mostly a knob the installer refused, before anything was set up: the operator may
                // attach again (a start that failed later is refused loudly by its one-shot setters).
                STARTED.set(false);
                throw e;
            }
            AttachHandover.writeReport(directory, report);
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

    /**
     * Starts the agent: puts the jar on the bootstrap class path (the gate core must be one copy,
     * visible from every class loader a server may use) and runs the {@code Installer} loaded from
     * there, which hands its transformer to {@code publish}.
     *
     * @param attachKnobs the knobs an attach handed over, {@code null} at JVM start
     * @return what an attach reports
     */
    @SuppressWarnings("unchecked")
    static List<String> install(Instrumentation instrumentation, Map<String, String> attachKnobs,
                                Consumer<ClassFileTransformer> publish) throws Exception {
        File jar = agentJar();
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        Class<?> installer = Class.forName(INSTALLER, true, null);
        return (List<String>) installer.getMethod("install", Instrumentation.class, File.class, Map.class, Consumer.class)
                .invoke(null, instrumentation, jar, attachKnobs, publish);
    }

    /**
     * The agent could not start at a server's first class: the JVM stops, as it did when the
     * agent failed in premain. A server must not run ungated in silence. (An invalid knob found
     * by the installer, a token file removed since the JVM started, halts it there already.)
     */
    static void startFailed(Throwable error) {
        Throwable cause = error instanceof InvocationTargetException ? error.getCause() : error;
        halt("mcpguard: could not start, stopping the JVM rather than serving ungated: " + cause);
    }

    private static void halt(String line) {
        System.err.println(line);
        System.err.flush();
        Runtime.getRuntime().halt(INVALID_CONFIGURATION);
    }

    private static File agentJar() throws URISyntaxException {
        return new File(McpGuardAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
