package dev.mcpguard.agent;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.bind.BindGate;
import dev.mcpguard.audit.DecisionLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BindPolicy;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.slf4j.Logger;

/**
 * Reads the knobs, builds the guard, prints the banner and installs the instrumentation. Runs
 * from the bootstrap class path.
 */
public final class Installer {
    /** By name: some are compiled in modules of their own, against server versions that clash. */
    private static final List<String> INSTRUMENTATIONS = List.of(
            "dev.mcpguard.tomcat.TomcatInstrumentation",
            "dev.mcpguard.jetty.JettyInstrumentation",
            "dev.mcpguard.jetty10.Jetty10Instrumentation",
            "dev.mcpguard.jetty10.JettyDispatchInstrumentation",
            "dev.mcpguard.netty.NettyInstrumentation",
            "dev.mcpguard.undertow.UndertowInstrumentation",
            "dev.mcpguard.jdkhttp.JdkHttpServerInstrumentation",
            "dev.mcpguard.bind.BindInstrumentation");

    private Installer() {
    }

    public static void install(Instrumentation instrumentation, File agentJar) throws Exception {
        Config config;
        try {
            config = Config.load(KnobSource.ofProcess());
        } catch (ConfigException e) {
            // Validated by McpGuardAgent already; only a token file changed in between gets here.
            System.err.println(e.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(McpGuardAgent.INVALID_CONFIGURATION);
            return;
        }
        Logger log = OperatorLog.logger();
        AuditTrail audit = new AuditTrail(new DecisionLog(config.jsonLog(), () -> System.err), config.logAllowed(), log);
        ActiveGuard.set(guard(config, audit));
        BindGate.install(new BindPolicy(config.bindAddress(), config.bindPorts(), config.mode(GateName.BIND)), log);
        TokenFileWatcher.start(config, log);
        List<ServerInstrumentation> servers = instrumentations();
        Banner.print(log, version(agentJar), config, servers);
        HelperInjector.openClassLoader(instrumentation);
        instrument(instrumentation, agentJar, servers, log);
    }

    private static String version(File agentJar) throws IOException {
        try (JarFile jar = new JarFile(agentJar)) {
            String version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
            return version == null ? "(unknown version)" : version;
        }
    }

    static Guard guard(Config config, AuditTrail audit) {
        Guard.Builder builder = Guard.builder()
                .maxBodyBytes(config.maxBodyBytes())
                .tokens(config.tokens())
                .realm(config.realm())
                .resourceMetadataUrl(config.resourceMetadataUrl())
                .publicPaths(config.publicPaths())
                .loopbackPaths(config.loopbackPaths())
                .prod(config.prod())
                .trustProdLoopback(config.trustProdLoopback())
                .origins(config.origins())
                .hosts(config.hosts())
                .denyOnError(config.denyOnError())
                .sink(audit);
        for (GateName gate : GateName.values()) {
            builder.mode(gate, config.mode(gate));
        }
        if (config.noAuth()) {
            builder.mode(GateName.AUTH, GateMode.OFF);
        }
        return builder.build();
    }

    private static List<ServerInstrumentation> instrumentations() throws ReflectiveOperationException {
        List<ServerInstrumentation> servers = new ArrayList<>();
        for (String name : INSTRUMENTATIONS) {
            servers.add((ServerInstrumentation) Class.forName(name, true, Installer.class.getClassLoader())
                    .getDeclaredConstructor().newInstance());
        }
        return servers;
    }

    private static void instrument(Instrumentation instrumentation, File agentJar, List<ServerInstrumentation> servers,
                                   Logger log) throws IOException {
        // Byte Buddy's Nexus would inject a class into the system class loader through
        // sun.misc.Unsafe; advice needs no Nexus. The key is relocated with Byte Buddy, so this
        // reaches the agent's copy only, never an application's own Byte Buddy.
        System.setProperty("net.bytebuddy.nexus.disabled", "true");
        ClassFileLocator agentClasses = ClassFileLocator.ForJarFile.of(agentJar);
        Map<String, String> familyByType = new HashMap<>();
        for (ServerInstrumentation server : servers) {
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                familyByType.put(hook.typeName(), server.family());
            }
        }
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                // Helpers are defined by HelperInjector; Byte Buddy's own injection would reach for sun.misc.Unsafe.
                .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE)
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(new InstrumentationListener(log, familyByType))
                .ignore(nameStartsWith("dev.mcpguard.")
                        .or(nameStartsWith("java.").and(not(named("java.net.ServerSocket"))))
                        .or(nameStartsWith("javax."))
                        .or(nameStartsWith("jdk."))
                        .or(nameStartsWith("sun.").and(not(nameStartsWith("sun.net.httpserver.")
                                .or(named("sun.nio.ch.ServerSocketChannelImpl")))))
                        .or(nameStartsWith("com.sun."))
                        .or(nameStartsWith("kotlin."))
                        .or(nameStartsWith("scala.")));
        for (ServerInstrumentation server : servers) {
            HelperInjector helpers = new HelperInjector(instrumentation, server.helperClassNames(), agentClasses);
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                // A type only matches the version of the server it was written for.
                builder = builder.type(named(hook.typeName()).and(declaresMethod(hook.method())))
                        .transform(helpers)
                        .transform(new AgentBuilder.Transformer.ForAdvice()
                                .include(agentClasses)
                                .advice(hook.method(), hook.adviceClassName()));
            }
        }
        builder.installOn(instrumentation);
    }
}
