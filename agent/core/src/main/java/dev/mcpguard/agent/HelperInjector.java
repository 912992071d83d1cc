package dev.mcpguard.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Defines a server family's helper classes in the server's own class loader, where they can see
 * the server's types, before the first advised class of that loader is defined. Runs at
 * class-load time only, never per request.
 *
 * <p>{@code ClassLoader.defineClass} is reached through reflection after the agent has opened
 * {@code java.lang} to its own module with {@link Instrumentation#redefineModule}: the supported
 * way for an agent, with no {@code sun.misc.Unsafe}.
 */
final class HelperInjector implements AgentBuilder.Transformer {
    private static volatile Method defineClass;

    private final Instrumentation instrumentation;
    private final List<String> helperClassNames;
    private final List<String> openedPackages;
    private final ClassFileLocator agentClasses;
    private final Map<ClassLoader, Boolean> injected = Collections.synchronizedMap(new WeakHashMap<>());

    HelperInjector(Instrumentation instrumentation, List<String> helperClassNames, List<String> openedPackages,
                   ClassFileLocator agentClasses) {
        this.instrumentation = instrumentation;
        this.helperClassNames = helperClassNames;
        this.openedPackages = openedPackages;
        this.agentClasses = agentClasses;
    }

    static void openClassLoader(Instrumentation instrumentation) throws NoSuchMethodException {
        Module javaBase = ClassLoader.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(), Map.of(),
                Map.of("java.lang", Set.of(HelperInjector.class.getModule())), Set.of(), Map.of());
        Method method = ClassLoader.class.getDeclaredMethod("defineClass",
                String.class, byte[].class, int.class, int.class, ProtectionDomain.class);
        method.setAccessible(true);
        defineClass = method;
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                            ClassLoader classLoader, JavaModule module,
                                            ProtectionDomain protectionDomain) {
        if (classLoader != null && injected.putIfAbsent(classLoader, Boolean.TRUE) == null) {
            try {
                inject(classLoader, protectionDomain);
            } catch (Exception e) {
                injected.remove(classLoader);
                throw new IllegalStateException("cannot define mcpguard helpers in " + classLoader, e);
            }
        }
        if (module != null && module.isNamed()) {
            // Advice inlined into a named module (java.base, jdk.httpserver) calls helpers in an
            // unnamed module, the bootstrap one or its own loader's: the module must read it.
            Module helpers = classLoader == null ? HelperInjector.class.getModule() : classLoader.getUnnamedModule();
            Map<String, Set<Module>> opens = new HashMap<>();
            for (String name : openedPackages) {
                opens.put(name, Set.of(helpers));
            }
            instrumentation.redefineModule((Module) module.unwrap(), Set.of(helpers), Map.of(), opens, Set.of(), Map.of());
        }
        return builder;
    }

    private void inject(ClassLoader classLoader, ProtectionDomain protectionDomain) throws Exception {
        for (String name : helperClassNames) {
            byte[] bytes = agentClasses.locate(name).resolve();
            synchronized (classLoaderLock(classLoader, name)) {
                if (isDefinedIn(classLoader, name)) {
                    continue;
                }
                defineClass.invoke(classLoader, name, bytes, 0, bytes.length, protectionDomain);
            }
        }
    }

    private static Object classLoaderLock(ClassLoader classLoader, String name) throws Exception {
        Method lock = ClassLoader.class.getDeclaredMethod("getClassLoadingLock", String.class);
        lock.setAccessible(true);
        return lock.invoke(classLoader, name);
    }

    private static boolean isDefinedIn(ClassLoader classLoader, String name) throws Exception {
        Method findLoadedClass = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        findLoadedClass.setAccessible(true);
        return findLoadedClass.invoke(classLoader, name) != null;
    }
}
