package dev.mcpguard.agent;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;

/**
 * Tells the operator what was instrumented, and loudly what could not be: a hooked server type
 * whose version no hook fits, a server the agent knows it cannot guard, or a failed
 * transformation. A server must never pass requests through ungated in silence.
 */
final class InstrumentationListener extends AgentBuilder.Listener.Adapter {
    /** Servers with their own HTTP stack that no adapter covers, by a class every one of them loads. */
    static final Map<String, String> UNGUARDED_SERVERS = Map.of(
            "org.glassfish.grizzly.http.server.HttpServer", "Grizzly",
            "io.helidon.webserver.WebServer", "Helidon WebServer",
            "org.apache.hc.core5.http.impl.bootstrap.HttpServer", "Apache HttpCore 5 server",
            "fi.iki.elonen.NanoHTTPD", "NanoHTTPD");

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
    public void onIgnored(TypeDescription type, ClassLoader classLoader, JavaModule module, boolean loaded) {
        String name = type.getName();
        String family = familyByType.get(name);
        if (family != null && reported.add(name)) {
            log.error("{} loaded in a version mcpguard does not support ({} has none of the hooked methods): "
                    + "its requests are NOT gated", family, name);
        } else if (UNGUARDED_SERVERS.containsKey(name) && reported.add(name)) {
            log.error("{} loaded ({}): mcpguard has no adapter for it, its requests are NOT gated",
                    UNGUARDED_SERVERS.get(name), name);
        }
    }

    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable error) {
        log.error("could NOT instrument {} ({}): its requests are NOT gated", typeName,
                familyByType.get(typeName), error);
    }
}
