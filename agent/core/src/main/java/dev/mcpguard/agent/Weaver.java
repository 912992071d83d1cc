package dev.mcpguard.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the hooks into the types they name, found by exact name in a map, nothing else
 * examined (and, for a {@link ServerInstrumentation.Hook#relocatable relocatable} hook, by the end of
 * the name: a handful of {@code endsWith}, only while such hooks are installed). Byte Buddy's {@code AgentBuilder} would match every class the JVM loads against
 * the hooks, and on a Java 9+ VM it first generates a transformer subclass with Byte Buddy
 * itself: about a third of the agent's start, paid inside the server's. The class of each hook
 * is found by name here, and its method by the hook's matcher on the type's declared methods.
 *
 * <p>Types are decorated in place (no added members or changed signatures): a loaded class can
 * be retransformed on attach, and the advice needs nothing else.
 */
final class Weaver implements ClassFileTransformer {
    private final Map<String, List<Weave>> weavesByInternalName = new HashMap<>();
    /** Keyed by {@code /} and the internal name: how a relocated copy's name ends. */
    private final Map<String, List<Weave>> weavesByRelocatedSuffix = new HashMap<>();
    private final Set<String> unguardedServers = new HashSet<>();
    private final InstrumentationListener listener;
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE);

    Weaver(InstrumentationListener listener) {
        this.listener = listener;
        for (String type : InstrumentationListener.UNGUARDED_SERVERS.keySet()) {
            unguardedServers.add(type.replace('.', '/'));
        }
    }

    void add(ServerInstrumentation server, ServerInstrumentation.Hook hook, AgentBuilder.Transformer transformer) {
        String internalName = hook.typeName().replace('.', '/');
        Weave weave = new Weave(server, hook, transformer);
        add(weavesByInternalName, internalName, weave);
        if (hook.isRelocatable()) {
            add(weavesByRelocatedSuffix, "/".concat(internalName), weave);
        }
    }

    private static void add(Map<String, List<Weave>> weavesByName, String key, Weave weave) {
        List<Weave> weaves = weavesByName.get(key);
        if (weaves == null) {
            weaves = new ArrayList<>(2);
            weavesByName.put(key, weaves);
        }
        weaves.add(weave);
    }

    /** Whether a type of this name is woven, as named or as a relocated copy. */
    boolean weaves(String typeName) {
        return weavesOf(typeName.replace('.', '/')) != null;
    }

    private List<Weave> weavesOf(String internalName) {
        List<Weave> weaves = weavesByInternalName.get(internalName);
        if (weaves != null || weavesByRelocatedSuffix.isEmpty()) {
            return weaves;
        }
        for (Map.Entry<String, List<Weave>> relocated : weavesByRelocatedSuffix.entrySet()) {
            if (internalName.endsWith(relocated.getKey())) {
                return relocated.getValue();
            }
        }
        return null;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfile) {
        if (internalName == null) {
            return null;
        }
        List<Weave> weaves = weavesOf(internalName);
        if (weaves == null) {
            if (unguardedServers.contains(internalName)) {
                listener.unguarded(internalName.replace('/', '.'));
            }
            return null;
        }
        String name = internalName.replace('/', '.');
        try {
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classfile),
                    loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
            TypePool pool = AgentBuilder.PoolStrategy.Default.FAST.typePool(locator, loader);
            TypeDescription type = pool.describe(name).resolve();
            JavaModule javaModule = JavaModule.of(module);
            DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
            ServerInstrumentation woven = null;
            for (Weave weave : weaves) {
                if (!type.getDeclaredMethods().filter(weave.hook.method()).isEmpty()) {
                    builder = weave.transformer.transform(builder, type, loader, javaModule, protectionDomain);
                    woven = weave.server;
                }
            }
            if (woven == null) {
                listener.unsupportedVersion(name);
                return null;
            }
            byte[] transformed = builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
            listener.transformed(name, woven);
            return transformed;
        } catch (Throwable error) {
            // The class loads unchanged, and the listener says loudly that it is not gated.
            listener.failed(name, error);
            return null;
        }
    }

    private static final class Weave {
        final ServerInstrumentation server;
        final ServerInstrumentation.Hook hook;
        final AgentBuilder.Transformer transformer;

        Weave(ServerInstrumentation server, ServerInstrumentation.Hook hook, AgentBuilder.Transformer transformer) {
            this.server = server;
            this.hook = hook;
            this.transformer = transformer;
        }
    }
}
