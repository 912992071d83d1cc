package dev.mcpguard.agent;

import java.util.Map;
import java.util.TreeMap;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * What the agent would do with the servers of one class loader, decided as at type match but
 * without an agent: which adapters' hooked types are there, and whether each adapter links or is
 * refused. For the suite's table of supported version lines.
 */
public final class VersionFit {

    private VersionFit() {
    }

    /**
     * @param serverClasses a class loader that sees one server version's jars; nothing is loaded from it
     * @return per adapter whose hooked types are there (simple class name): {@code links},
     *         or {@code refused (<how>): <first missing reference>}
     */
    public static Map<String, String> of(ClassLoader serverClasses) throws ReflectiveOperationException {
        ClassFileLocator agentClasses = ClassFileLocator.ForClassLoader.of(VersionFit.class.getClassLoader());
        TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(serverClasses));
        Map<String, String> fit = new TreeMap<>();
        for (ServerInstrumentation server : Installer.instrumentations()) {
            if (!hooked(server, pool)) {
                continue;
            }
            AdapterFit adapter = new AdapterFit(server, agentClasses);
            String missing = adapter.gateMissing(serverClasses);
            String name = server.getClass().getSimpleName();
            if (missing == null) {
                fit.put(name, "links");
            } else {
                fit.put(name, "refused (" + adapter.refusal(serverClasses) + "): " + missing);
            }
        }
        return fit;
    }

    /** As the agent's type matcher: a hooked type that declares a hooked method. */
    private static boolean hooked(ServerInstrumentation server, TypePool pool) {
        for (ServerInstrumentation.Hook hook : server.hooks()) {
            TypePool.Resolution type = pool.describe(hook.typeName());
            if (type.isResolved()) {
                for (MethodDescription method : type.resolve().getDeclaredMethods()) {
                    if (hook.method().matches(method)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
