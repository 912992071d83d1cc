package dev.mcpguard.agent;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;

/** Tells the operator what was instrumented, and loudly what could not be. */
final class InstrumentationListener extends AgentBuilder.Listener.Adapter {
    private final Logger log;
    private final Map<String, String> familyByType;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    InstrumentationListener(Logger log, Map<String, String> familyByType) {
        this.log = log;
        this.familyByType = familyByType;
    }

    @Override
    public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module,
                                 boolean loaded, DynamicType dynamicType) {
        if (reported.add(type.getName())) {
            log.info("instrumented {}: {}", familyByType.get(type.getName()), type.getName());
        }
    }

    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable error) {
        log.error("could NOT instrument {} ({}): requests through it are not gated", typeName,
                familyByType.get(typeName), error);
    }
}
