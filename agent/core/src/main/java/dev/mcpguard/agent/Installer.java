package dev.mcpguard.agent;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.bind.BindGate;
import dev.mcpguard.bind.UngatedListeners;
import dev.mcpguard.audit.DecisionLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BearerAuthenticator;
import dev.mcpguard.core.BindPolicy;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.SharedBuckets;
import dev.mcpguard.egress.EgressGate;
import dev.mcpguard.egress.EgressInstrumentation;
import dev.mcpguard.egress.HostAddresses;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import net.bytebuddy.dynamic.ClassFileLocator;
import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.oauth.JwtAuthenticator;
import dev.mcpguard.oauth.JwtPolicy;
import dev.mcpguard.oauth.KeyRefresher;
import dev.mcpguard.oauth.SigningKeys;
import dev.mcpguard.rate.RedisBuckets;

/**
 * Starts the agent: reads the knobs, builds the guard, prints the banner and hands over the
 * {@link Weaver}, when a JVM's first hooked class loads ({@link LazyStart}) or on attach (classes
 * already loaded are then retransformed). Runs from the bootstrap class path.
 */
public final class Installer {
    /** By name: some are compiled in modules of their own, against server versions that clash. */
    private static final List<String> INSTRUMENTATIONS = List.of(
            "dev.mcpguard.tomcat.TomcatInstrumentation",
            "dev.mcpguard.jetty.JettyInstrumentation",
            "dev.mcpguard.jetty10.Jetty10Instrumentation",
            "dev.mcpguard.jetty10.JettyDispatchInstrumentation",
            "dev.mcpguard.netty.NettyInstrumentation",
            "dev.mcpguard.netty.NettyHttp2Instrumentation",
            "dev.mcpguard.netty.NettyListenerInstrumentation",
            "dev.mcpguard.undertow.UndertowInstrumentation",
            "dev.mcpguard.jdkhttp.JdkHttpInstrumentation",
            "dev.mcpguard.quic.QuicInstrumentation",
            "dev.mcpguard.bind.BindInstrumentation");

    private Installer() {
    }

    /**
     * Called once per JVM, by {@link LazyStart}.
     *
     * @param attachKnobs the knobs {@code attach} handed over, or {@code null} for a JVM started
     *                    with the agent, which reads this process's environment and system properties
     * @param publish     takes the transformer that weaves the hooks, before the hooked types
     *                    already loaded are retransformed through it
     * @return for an attach, the report its command prints; else empty
     */
    public static List<String> install(Instrumentation instrumentation, File agentJar, Map<String, String> attachKnobs,
                                       Consumer<ClassFileTransformer> publish) throws Exception {
        boolean attached = attachKnobs != null;
        IpAddressMessages.load(agentJar);
        Config config;
        try {
            config = Config.load(attached ? new KnobSource(attachKnobs, new Properties()) : KnobSource.ofProcess());
        } catch (ConfigException e) {
            if (attached) {
                throw e;
            }
            // Validated in premain already: only a token file changed since the JVM started gets
            // here, and the JVM stops as it would have at its start.
            System.err.println(e.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(McpGuardAgent.INVALID_CONFIGURATION);
            return List.of();
        }
        OperatorLog log = OperatorLog.stderr();
        AuditTrail audit = new AuditTrail(new DecisionLog(config.jsonLog(), () -> System.err), config.logAllowed(), log);
        AcceptedTokens tokens = config.acceptedTokens();
        ActiveGuard.set(guard(config, tokens, jwt(config, log), audit, log));
        BindPolicy bindPolicy = new BindPolicy(config.bindAddress(), config.bindPorts(), config.mode(GateName.BIND));
        BindGate.install(bindPolicy, log);
        TokenFileWatcher.start(config, tokens, log);
        List<ServerInstrumentation> servers = instrumentations();
        if (config.egressOn()) {
            // before any hook is woven: a connect must never find the hooks without a policy
            EgressGate.install(config.egressPolicy(config.egressDeniesSelf() ? HostAddresses.watch(log) : null), audit,
                    config.denyOnError());
            InboundRequests.track();
            servers.add(new EgressInstrumentation());
        }
        String version = version(agentJar);
        Banner.print(log, version, attached ? "attached" : "started", config, servers);
        HelperInjector.openClassLoader(instrumentation);
        GatesMBeanRegistration jmx = GatesMBeanRegistration.start(audit.counters(), config.gateModes(), log);
        InstrumentationListener listener = new InstrumentationListener(log, servers, jmx::serverInstrumented);
        UngatedListeners.install(new ListenerOwners(listener, servers), config.refuseUngatedListeners(), log);
        instrument(instrumentation, agentJar, servers, listener, publish, log);
        return attached ? AttachReport.lines(version, config, bindPolicy, listener) : List.of();
    }

    private static String version(File agentJar) throws IOException {
        try (JarFile jar = new JarFile(agentJar)) {
            String version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
            return version == null ? "(unknown version)" : version;
        }
    }

    /**
     * @param tokens the set {@link TokenFileWatcher} refreshes, shared with the guard
     * @param jwt    JWT validation, {@code null} when off
     */
    static Guard guard(Config config, AcceptedTokens tokens, BearerAuthenticator jwt, AuditTrail audit, OperatorLog log) {
        // named only here, and only with a URL: without one, no Jedis or pool class loads
        SharedBuckets shared = config.redisUrl() == null ? null
                : RedisBuckets.start(config.redisUrl(), config.redisOnError(), log);
        return new Guard(config.guardSettings(tokens, jwt, shared), audit);
    }

    /** JWT validation with its keys kept fresh in the background, or {@code null} when off. */
    private static BearerAuthenticator jwt(Config config, OperatorLog log) {
        JwtPolicy policy = config.jwt();
        if (policy == null) {
            return null;
        }
        SigningKeys keys = new SigningKeys();
        KeyRefresher refresher = KeyRefresher.start(policy, keys, log);
        return new JwtAuthenticator(policy, keys, refresher.unknownKeyCue());
    }

    static List<ServerInstrumentation> instrumentations() throws ReflectiveOperationException {
        List<ServerInstrumentation> servers = new ArrayList<>();
        for (String name : INSTRUMENTATIONS) {
            servers.add((ServerInstrumentation) Class.forName(name, true, Installer.class.getClassLoader())
                    .getDeclaredConstructor().newInstance());
        }
        return servers;
    }

    /** @param weaver for the relocated copies of hooked types, which no list of names holds */
    private static Class<?>[] loaded(Instrumentation instrumentation, Set<String> names, Weaver weaver) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if ((names.contains(type.getName()) || weaver.weaves(type.getName())) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        return loaded.toArray(new Class<?>[0]);
    }

    private static void instrument(Instrumentation instrumentation, File agentJar, List<ServerInstrumentation> servers,
                                   InstrumentationListener listener, Consumer<ClassFileTransformer> publish,
                                   OperatorLog log) throws IOException {
        ClassFileLocator agentClasses = ClassFileLocator.ForJarFile.of(agentJar);
        Weaver weaver = new Weaver(listener);
        for (ServerInstrumentation server : servers) {
            AdapterFit fit = new AdapterFit(server, agentClasses);
            HelperInjector gateHelpers = new HelperInjector(instrumentation, server.helperClassNames(),
                    server.packagesOpenedToHelpers(), agentClasses);
            HelperInjector refusalHelpers = new HelperInjector(instrumentation, server.refusalHelperClassNames(),
                    server.packagesOpenedToHelpers(), agentClasses);
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                // A hook only applies to the version of the server it was written for (the
                // type declares its method); whether the adapter links against that server is
                // decided per class loader as the type loads.
                weaver.add(server, hook, new AdapterTransformer(fit, hook, listener, gateHelpers, refusalHelpers, agentClasses));
            }
        }
        publish.accept(weaver);
        retransformLoaded(instrumentation, listener, weaver, log);
    }

    /**
     * The hooked and the reported types that are loaded already: the running server's on attach,
     * else any loaded before the Weaver was there (by the start itself, or before premain). Only
     * those: describing every loaded class would cost far more.
     */
    private static void retransformLoaded(Instrumentation instrumentation, InstrumentationListener listener,
                                          Weaver weaver, OperatorLog log) {
        Class<?>[] loaded = loaded(instrumentation, listener.watchedTypes(), weaver);
        if (loaded.length == 0) {
            return;
        }
        try {
            instrumentation.retransformClasses(loaded);
        } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
            log.error("could NOT instrument the hooked types already loaded ({}): their requests are NOT gated", e.toString());
        }
    }
}
