package dev.mcpguard.agent;

import dev.mcpguard.bind.UngatedListeners;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which gated server family a listener's binding code belongs to, and whether that family is
 * instrumented where it runs. The packages are each family's server code, the code that opens its
 * listeners ({@link ServerInstrumentation#listenerPackages()}); a family counts once one of its
 * hooked types was instrumented, and its hooked types are loaded from the binding code's class
 * loader first, so that a hooked type that a server loads only at its first request (Undertow's)
 * is judged before the listener opens.
 */
final class ListenerOwners implements UngatedListeners.Owners {
    private final Map<String, String> familyByPackage = new LinkedHashMap<>();
    private final InstrumentationListener listener;
    private final Map<String, List<String>> hookedTypesByFamily = new HashMap<>();

    ListenerOwners(InstrumentationListener listener, List<ServerInstrumentation> servers) {
        this.listener = listener;
        for (ServerInstrumentation server : servers) {
            for (String prefix : server.listenerPackages()) {
                familyByPackage.put(prefix, server.family());
            }
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                hookedTypesByFamily.computeIfAbsent(server.family(), family -> new ArrayList<>()).add(hook.typeName());
            }
        }
    }

    @Override
    public String family(Class<?> type) {
        String name = type.getName();
        for (Map.Entry<String, String> entry : familyByPackage.entrySet()) {
            if (name.startsWith(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }

    @Override
    public boolean instrumented(String family, Class<?> type) {
        if (listener.instrumented().containsValue(family)) {
            return true;
        }
        for (String hooked : hookedTypesByFamily.getOrDefault(family, List.of())) {
            try {
                // loading (not initializing) runs the transformation, which the listener records
                Class.forName(hooked, false, type.getClassLoader());
            } catch (ClassNotFoundException | LinkageError absent) {
                // another version line of the family: its other hooked types are tried
            }
        }
        return listener.instrumented().containsValue(family);
    }
}
