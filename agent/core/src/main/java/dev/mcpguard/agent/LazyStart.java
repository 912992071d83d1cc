package dev.mcpguard.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one transformer the agent registers. Until a class the agent hooks or reports on loads, it
 * answers every class with "unchanged" after one set lookup: a JVM that runs no server pays for
 * nothing else. That class's load starts the agent ({@link McpGuardAgent#install}: the bootstrap
 * class path, Byte Buddy, the gates, the banner), and from then on every class is handed to the
 * installer's transformer, that class first.
 *
 * <p>One transformer for both phases, rather than Byte Buddy's registered beside this one: the
 * JDK runs the transformers that were registered when a class's load began, so a class loading
 * on another thread during the start would be woven by both or by neither.
 */
final class LazyStart implements ClassFileTransformer, Consumer<ClassFileTransformer> {
    private final Instrumentation instrumentation;
    private final Map<String, String> attachKnobs;
    private final Set<String> triggers;
    private volatile ClassFileTransformer installed;
    /** Guarded by {@code this}: the starting thread's own class loads must pass, not start again. */
    private boolean starting;
    private boolean failed;

    /** @param attachKnobs the knobs an attach handed over, {@code null} for a JVM started with the agent */
    LazyStart(Instrumentation instrumentation, Map<String, String> attachKnobs) {
        this.instrumentation = instrumentation;
        this.attachKnobs = attachKnobs;
        this.triggers = new HashSet<>(ActivationTriggers.TYPES.length * 2);
        for (String type : ActivationTriggers.TYPES) {
            triggers.add(type.replace('.', '/'));
        }
    }

    /**
     * Registers this transformer and starts the agent now if {@code now} or if a trigger type is
     * loaded already.
     */
    void register(boolean now) {
        instrumentation.addTransformer(this, true);
        if (now) {
            start();
            return;
        }
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (triggers.contains(type.getName().replace('.', '/'))) {
                start();
                return;
            }
        }
    }

    /**
     * Registers this transformer and starts the agent on this thread (an attach).
     *
     * @return what the attach reports
     * @throws Exception why the agent could not start; this transformer is then removed again
     */
    List<String> startNow() throws Exception {
        synchronized (this) {
            instrumentation.addTransformer(this, true);
            starting = true;
            try {
                return McpGuardAgent.install(instrumentation, attachKnobs, this);
            } catch (Exception | Error e) {
                failed = true;
                instrumentation.removeTransformer(this);
                throw e;
            } finally {
                starting = false;
            }
        }
    }

    /** Where the installer hands its transformer, before it retransforms the hooked types already loaded. */
    @Override
    public void accept(ClassFileTransformer transformer) {
        installed = transformer;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfile) throws IllegalClassFormatException {
        ClassFileTransformer transformer = installed;
        if (transformer == null) {
            if (internalName == null || !triggers.contains(internalName)) {
                return null;
            }
            transformer = start();
            if (transformer == null) {
                return null;
            }
        }
        return transformer.transform(module, loader, internalName, classBeingRedefined, protectionDomain, classfile);
    }

    /**
     * The installer's transformer once started; {@code null} on the starting thread's own loads
     * (the installer retransforms any hooked type among them) and when the start failed, which
     * stops the JVM with one line ({@link McpGuardAgent#startFailed}, or the installer for a knob
     * that turned invalid since the JVM started).
     */
    private synchronized ClassFileTransformer start() {
        if (installed != null || starting || failed) {
            return installed;
        }
        starting = true;
        try {
            McpGuardAgent.install(instrumentation, attachKnobs, this);
        } catch (Exception | Error e) {
            failed = true;
            McpGuardAgent.startFailed(e);
        } finally {
            starting = false;
        }
        return installed;
    }
}
