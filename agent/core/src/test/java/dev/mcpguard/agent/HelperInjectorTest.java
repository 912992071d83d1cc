package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.jetty.JettyInstrumentation;
import dev.mcpguard.testing.QuietLog;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How an adapter's helpers get into a server's class loader, on throwaway loaders laid out as a
 * server's are: the agent's classes in a parent (the bootstrap class path's stand-in), and per
 * server a child loader with the server's jars, Jetty 12's here, where {@link HelperInjector} defines
 * the helpers.
 */
class HelperInjectorTest {
    private static final String SERVER = "org.eclipse.jetty.server.Server";
    private static final JettyInstrumentation JETTY = new JettyInstrumentation();
    private static final ClassFileLocator AGENT_CLASSES = ClassFileLocator.ForClassLoader.of(HelperInjectorTest.class.getClassLoader());

    private static Instrumentation instrumentation;

    /** Where the agent's own classes are found, as on the bootstrap class path: every helper too, under its name. */
    private final Loader agent = new Loader("agent", List.of(location("dev.mcpguard.jetty.JettyGate"),
            location("inet.ipaddr.IPAddress")), ClassLoader.getPlatformClassLoader());
    private final List<Loader> loaders = new ArrayList<>(List.of(agent));

    @BeforeAll
    static void openClassLoader() throws Exception {
        instrumentation = ByteBuddyAgent.install();
        HelperInjector.openClassLoader(instrumentation);
    }

    @AfterEach
    void close() throws Exception {
        for (Loader loader : loaders) {
            loader.close();
        }
    }

    @Test
    void eachFreshServerLoaderGetsTheHelpersDefinedOnceInItAndNoneLeaksIntoTheParent() throws Exception {
        Loader first = jettyServer();
        Loader second = jettyServer();
        HelperInjector injector = gateHelpers();

        inject(injector, first);
        inject(injector, second);
        inject(injector, first); // the next hooked type of the same server

        for (String helper : JETTY.helperClassNames()) {
            Class<?> inFirst = first.loaded(helper);
            Class<?> inSecond = second.loaded(helper);
            assertThat(inFirst).as(helper).isNotNull();
            assertThat(inSecond).as(helper).isNotNull().isNotSameAs(inFirst);
            assertThat(inFirst.getClassLoader()).isSameAs(first);
            assertThat(inSecond.getClassLoader()).isSameAs(second);
        }
        // Linking the helpers resolves what they name: each other in the server's loader, the
        // server's types there too, the gate core in the parent.
        for (String helper : JETTY.helperClassNames()) {
            assertThat(Class.forName(helper, true, first).getClassLoader()).as(helper).isSameAs(first);
        }
        for (String helper : JETTY.helperClassNames()) {
            assertThat(agent.loaded(helper)).as(helper + " defined in the parent").isNull();
        }
        assertThat(agent.loaded("dev.mcpguard.core.IndexedHeadersView")).as("the gate core, the parent's").isNotNull();
    }

    @Test
    void aHelperTheLoaderDefinesAlreadyIsNotDefinedAgain() throws Exception {
        Loader server = jettyServer();
        // Another adapter's injector (the Jetty 10 adapter's shares SocketEndPoints) came first.
        String shared = "dev.mcpguard.jetty.SocketEndPoints";
        inject(new HelperInjector(instrumentation, List.of(shared), List.of(), AGENT_CLASSES), server);
        Class<?> before = server.loaded(shared);
        assertThat(before).isNotNull();

        inject(gateHelpers(), server);

        assertThat(server.loaded(shared)).isSameAs(before);
        for (String helper : JETTY.helperClassNames()) {
            assertThat(server.loaded(helper)).as(helper).isNotNull();
        }
    }

    @Test
    void anAdapterThatLinksAgainstTheServerInjectsItsHelpersWithItsGateAdvice() throws Exception {
        Loader server = jettyServer();
        InstrumentationListener listener = listener();

        transformServer(new AdapterFit(JETTY, AGENT_CLASSES), listener, server);

        for (String helper : JETTY.helperClassNames()) {
            assertThat(server.loaded(helper)).as(helper).isNotNull();
        }
        assertThat(listener.notGated()).isEmpty();
    }

    @Test
    void aLoaderThatCannotSeeTheServerTypesGetsNoHelpersAndItsServerIsRefusedOnce() throws Exception {
        Loader server = new Loader("no server", List.of(), agent);
        loaders.add(server);
        AdapterFit fit = new AdapterFit(JETTY, AGENT_CLASSES);
        InstrumentationListener listener = listener();

        assertThat(fit.gateMissing(server)).startsWith("class org.eclipse.jetty.").contains(" is missing (needed by ");

        transformServer(fit, listener, server);
        transformServer(fit, listener, server); // another hooked type of that server

        for (String helper : JETTY.helperClassNames()) {
            assertThat(server.loaded(helper)).as(helper).isNull();
            assertThat(agent.loaded(helper)).as(helper).isNull();
        }
        assertThat(listener.notGated()).singleElement().asString()
                .startsWith("jetty NOT GATED: " + SERVER + " ")
                .endsWith("its entry points throw, so no request reaches the application");
    }

    @Test
    void injectingWhereTheHelpersCannotLinkFailsLoudly() {
        Loader server = new Loader("no server", List.of(), agent);
        loaders.add(server);

        assertThatThrownBy(() -> inject(gateHelpers(), server))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot define mcpguard helpers in ");
        for (String helper : JETTY.helperClassNames()) {
            assertThat(agent.loaded(helper)).as(helper).isNull();
        }
    }

    // ---------------------------------------------------------------- set-up

    private static HelperInjector gateHelpers() {
        return new HelperInjector(instrumentation, JETTY.helperClassNames(), JETTY.packagesOpenedToHelpers(), AGENT_CLASSES);
    }

    /** What the agent does as the server's hooked type loads: injects before the type is defined. */
    private static void inject(HelperInjector injector, ClassLoader server) {
        injector.transform(null, null, server, null, null);
    }

    /** {@link AdapterTransformer} on {@code Server.handle}, as the agent runs it when {@code Server} loads in {@code server}. */
    private static void transformServer(AdapterFit fit, InstrumentationListener listener, ClassLoader server) {
        ServerInstrumentation.Hook hook = JETTY.hooks().get(0);
        assertThat(hook.typeName()).isEqualTo(SERVER);
        HelperInjector refusalHelpers = new HelperInjector(instrumentation, JETTY.refusalHelperClassNames(),
                JETTY.packagesOpenedToHelpers(), AGENT_CLASSES);
        TypeDescription type = TypePool.Default.of(AGENT_CLASSES).describe(SERVER).resolve();
        DynamicType.Builder<?> builder = new ByteBuddy().redefine(type, AGENT_CLASSES);
        new AdapterTransformer(fit, hook, listener, gateHelpers(), refusalHelpers, AGENT_CLASSES)
                .transform(builder, type, server, null, null);
    }

    private static InstrumentationListener listener() {
        return new InstrumentationListener(QuietLog.LOG, List.of(JETTY), () -> { });
    }

    /** A Jetty 12 server's loader: its jars, with the agent's classes in the parent. */
    private Loader jettyServer() throws Exception {
        List<URL> jars = new ArrayList<>();
        // Located by types the agent does not hook: a hooked type loaded in this JVM would be
        // retransformed by the next test that weaves its advice, from a loader closed by then.
        for (String type : List.of("org.eclipse.jetty.server.Request", "org.eclipse.jetty.http.HttpFields",
                "org.eclipse.jetty.io.EndPoint", "org.eclipse.jetty.util.Callback", "org.slf4j.Logger")) {
            jars.add(location(type));
        }
        Loader server = new Loader("jetty", jars, agent);
        loaders.add(server);
        return server;
    }

    private static URL location(String className) {
        try {
            return Class.forName(className, false, HelperInjectorTest.class.getClassLoader())
                    .getProtectionDomain().getCodeSource().getLocation();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A throwaway loader that tells which classes it defined. */
    private static final class Loader extends URLClassLoader {
        Loader(String name, List<URL> urls, ClassLoader parent) {
            super(name, urls.toArray(new URL[0]), parent);
        }

        Class<?> loaded(String className) {
            synchronized (getClassLoadingLock(className)) {
                return findLoadedClass(className);
            }
        }
    }
}
