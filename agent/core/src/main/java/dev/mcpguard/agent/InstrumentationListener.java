package dev.mcpguard.agent;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.mcpguard.audit.OperatorLog;

/**
 * Tells the operator what was instrumented, and loudly what could not be: a hooked server type
 * whose version no hook fits, a server the agent knows it cannot guard, or a failed
 * transformation. A server must never pass requests through ungated in silence.
 */
final class InstrumentationListener {
    /** Servers with their own HTTP stack that no adapter covers, by a class every one of them loads. */
    static final Map<String, String> UNGUARDED_SERVERS = Map.of(
            "org.glassfish.grizzly.http.server.HttpServer", "Grizzly",
            "io.helidon.webserver.WebServer", "Helidon WebServer",
            "org.apache.hc.core5.http.impl.bootstrap.HttpServer", "Apache HttpCore 5 server",
            "fi.iki.elonen.NanoHTTPD", "NanoHTTPD");

    private final OperatorLog log;
    private final List<ServerInstrumentation> servers;
    private final Map<String, ServerInstrumentation> serverByType = new HashMap<>();
    private final Runnable onServerInstrumented;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final Map<String, String> instrumented = new ConcurrentSkipListMap<>();
    private final List<String> notGated = new CopyOnWriteArrayList<>();

    /** @param onServerInstrumented run after a server type (not a socket type) was instrumented */
    InstrumentationListener(OperatorLog log, List<ServerInstrumentation> servers, Runnable onServerInstrumented) {
        this.log = log;
        this.servers = servers;
        this.onServerInstrumented = onServerInstrumented;
        for (ServerInstrumentation server : servers) {
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                serverByType.put(hook.typeName(), server);
            }
        }
    }

    /** The hooked types and the servers reported as unguarded: what this listener speaks about. */
    Set<String> watchedTypes() {
        Set<String> names = new HashSet<>(serverByType.keySet());
        names.addAll(UNGUARDED_SERVERS.keySet());
        return names;
    }

    /** Type name to family, of every type instrumented so far. */
    Map<String, String> instrumented() {
        return instrumented;
    }

    /** Whether a type whose hooks gate requests was instrumented: is a server here? */
    boolean serverInstrumented() {
        for (String type : instrumented.keySet()) {
            if (serverByType.get(type).guardsRequests()) {
                return true;
            }
        }
        return false;
    }

    /** What the attach cannot do for the families instrumented so far, one sentence each. */
    List<String> attachLimits() {
        Set<String> limits = new LinkedHashSet<>();
        for (ServerInstrumentation server : servers) {
            if (instrumented.containsValue(server.family())) {
                limits.addAll(server.attachLimits());
            }
        }
        return List.copyOf(limits);
    }

    /** What loaded and is NOT gated, one sentence each. */
    List<String> notGated() {
        return notGated;
    }

    /** A hooked type was woven with the hooks of {@code server}. */
    void transformed(String typeName, ServerInstrumentation server) {
        if (reported.add(typeName)) {
            log.info("instrumented {}: {}", server.family(), typeName);
            instrumented.put(typeName, server.family());
            if (server.guardsRequests()) {
                onServerInstrumented.run();
            }
        }
    }

    /** A hooked type declares none of the hooked methods. */
    void unsupportedVersion(String typeName) {
        ServerInstrumentation server = serverByType.get(typeName);
        if (server != null && reported.add(typeName)) {
            notGated(server.family() + " loaded in a version mcpguard does not support (" + typeName
                    + " has none of the hooked methods): its requests are NOT gated");
        }
    }

    /** A type of a server no adapter covers loaded. */
    void unguarded(String typeName) {
        String server = UNGUARDED_SERVERS.get(typeName);
        if (server != null && reported.add(typeName)) {
            notGated(server + " loaded (" + typeName + "): mcpguard has no adapter for it, its requests are NOT gated");
        }
    }

    /**
     * A hooked type whose server the adapter does not fit, transformed to refuse: reported here,
     * so that its transformation is not announced as "instrumented".
     *
     * @param sentence the ERROR line, for the first such type of a server; else {@code null}
     */
    void refused(String typeName, String sentence) {
        reported.add(typeName);
        if (sentence != null) {
            notGated(sentence);
        }
    }

    private void notGated(String sentence) {
        log.error(sentence);
        notGated.add(sentence);
    }

    /** Weaving a hooked type failed: the type loads unchanged, so its server is not gated. */
    void failed(String typeName, Throwable error) {
        String family = family(typeName);
        log.error("could NOT instrument {} ({}): its requests are NOT gated", typeName, family, error);
        notGated.add("could NOT instrument " + typeName + " (" + family + "): " + error + "; its requests are NOT gated");
    }

    private String family(String typeName) {
        ServerInstrumentation server = serverByType.get(typeName);
        return server == null ? null : server.family();
    }
}
