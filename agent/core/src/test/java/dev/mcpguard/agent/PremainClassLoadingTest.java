package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.ConfigException;
import dev.mcpguard.config.Knob;
import dev.mcpguard.config.KnobSource;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * premain validates the knobs with {@link Config} in the application's class loader, before the
 * agent jar is on the bootstrap class path. A class of the agent it loads there is a second copy:
 * an adapter helper (injected into a server's loader, whose parents include the application's)
 * or an inlined advice that names it links against that copy, not the bootstrap one the rest of
 * the agent uses, and fails with a loader constraint violation at its first request (c85ba49).
 * So: validating any configuration, in a loader that defines the agent's classes itself, loads
 * no class the helpers and advice of any adapter name.
 */
class PremainClassLoadingTest {
    private static final Pattern AGENT_TYPE = Pattern.compile("dev/mcpguard/[A-Za-z0-9_/$]+");
    /**
     * Loaded by the validation and named by adapters, but harmless twice: stateless, and its
     * methods' signatures name JDK types only, so a helper that resolves the application loader's
     * copy links and computes the same.
     */
    private static final Set<String> HARMLESS_TWICE = Set.of("dev.mcpguard.net.PeerAddresses");
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @TempDir
    static Path dir;

    /** Every knob with a valid value: found among {@link #candidates()}, so new knobs are covered too. */
    private static Map<String, String> everyKnob;
    /**
     * For each knob that cannot be set beside all the others (JWKS_FILE excludes JWKS_URL): every
     * other knob but the one it excludes, and it.
     */
    private static final List<Map<String, String>> exclusive = new ArrayList<>();

    @BeforeAll
    static void everyKnobSet() throws IOException {
        List<String> candidates = candidates();
        everyKnob = new LinkedHashMap<>();
        // Some knobs are valid only beside others (AUTHORIZATION_SERVERS needs RESOURCE): pass again while any is added.
        for (boolean added = true; added; ) {
            added = false;
            for (Knob<?> knob : Knob.all()) {
                if (everyKnob.containsKey(knob.envName())) {
                    continue;
                }
                for (String value : candidates) {
                    Map<String, String> env = new LinkedHashMap<>(everyKnob);
                    env.put(knob.envName(), value);
                    if (valid(env)) {
                        everyKnob.put(knob.envName(), value);
                        added = true;
                        break;
                    }
                }
            }
        }
        for (Knob<?> knob : Knob.all()) {
            if (!everyKnob.containsKey(knob.envName())) {
                assertThat(inPlaceOfAnother(knob, candidates)).as("a valid value for %s among the candidates, beside "
                        + "every other knob but one: add one", knob.envName()).isTrue();
            }
        }
    }

    private static boolean inPlaceOfAnother(Knob<?> knob, List<String> candidates) {
        for (String other : everyKnob.keySet()) {
            for (String value : candidates) {
                Map<String, String> env = new LinkedHashMap<>(everyKnob);
                env.remove(other);
                env.put(knob.envName(), value);
                if (valid(env)) {
                    exclusive.add(env);
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void validatingAnyConfigurationLoadsNoClassTheAdaptersLinkAgainst() throws Exception {
        Set<String> linked = linkedByAdapters();
        assertThat(linked).as("the adapters' references, read from their class files")
                .contains("dev.mcpguard.core.Refusal", "dev.mcpguard.core.Verdict", "dev.mcpguard.core.ActiveGuard",
                        "dev.mcpguard.core.Guard", "dev.mcpguard.core.BodyMeter", "dev.mcpguard.core.RequestView");

        List<Map<String, String>> configurations = new ArrayList<>();
        configurations.add(everyKnob);
        configurations.addAll(exclusive);
        // Each knob left out too, where the rest is valid without it: a knob set can skip the code
        // that another one's absence runs (RESOURCE_METADATA_URL set, the URL is not derived from RESOURCE).
        for (String left : everyKnob.keySet()) {
            Map<String, String> env = new LinkedHashMap<>(everyKnob);
            env.remove(left);
            if (valid(env)) {
                configurations.add(env);
            }
        }
        assertThat(configurations).as("configurations validated").hasSizeGreaterThan(everyKnob.size() / 2);
        for (Map<String, String> env : configurations) {
            Set<String> loaded = validateInOwnLoader(env);
            Set<String> clashing = new TreeSet<>(loaded);
            clashing.retainAll(linked);
            clashing.removeAll(HARMLESS_TWICE);
            assertThat(clashing).as("classes premain's validation loaded that adapters link against, with %s set",
                    env.keySet()).isEmpty();
        }
    }

    /** What premain does, {@code Config.load}, in a loader of its own that defines the agent's classes itself. */
    private static Set<String> validateInOwnLoader(Map<String, String> env) throws Exception {
        URL classes = Config.class.getProtectionDomain().getCodeSource().getLocation();
        try (RecordingLoader loader = new RecordingLoader(classes, PremainClassLoadingTest.class.getClassLoader())) {
            Class<?> source = Class.forName(KnobSource.class.getName(), true, loader);
            assertThat(source.getClassLoader()).as("defined by the recording loader").isSameAs(loader);
            Object knobs = source.getConstructor(Map.class, Properties.class).newInstance(env, new Properties());
            try {
                Class.forName(Config.class.getName(), true, loader).getMethod("load", source).invoke(null, knobs);
            } catch (InvocationTargetException e) {
                throw new AssertionError("valid in this loader, so valid in the recording one: " + env.keySet(), e.getCause());
            }
            return loader.defined;
        }
    }

    private static boolean valid(Map<String, String> env) {
        try {
            Config.load(new KnobSource(env, new Properties()));
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    /**
     * Every agent class named by the helpers and the advice of every adapter (inlined into server
     * classes, advice resolves from the server's loader too), in classes and in signatures, but
     * the helpers themselves, which are defined in the server's loader.
     */
    private static Set<String> linkedByAdapters() throws Exception {
        Set<String> helpers = new TreeSet<>();
        Set<String> read = new TreeSet<>();
        for (ServerInstrumentation server : instrumentations()) {
            helpers.addAll(server.helperClassNames());
            helpers.addAll(server.refusalHelperClassNames());
            read.addAll(server.helperClassNames());
            read.addAll(server.refusalHelperClassNames());
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                read.add(hook.adviceClassName());
                read.add(hook.refusalAdviceClassName());
            }
        }
        Set<String> linked = new TreeSet<>();
        for (String type : read) {
            for (String named : namedIn(type)) {
                String outer = named.contains("$") ? named.substring(0, named.indexOf('$')) : named;
                if (!helpers.contains(named) && !helpers.contains(outer)) {
                    linked.add(named);
                }
            }
        }
        return linked;
    }

    /** The instrumentations the installer knows and this module has (Jetty 10's is a module of its own). */
    private static List<ServerInstrumentation> instrumentations() throws Exception {
        Field field = Installer.class.getDeclaredField("INSTRUMENTATIONS");
        field.setAccessible(true);
        List<ServerInstrumentation> servers = new ArrayList<>();
        for (Object name : (List<?>) field.get(null)) {
            Class<?> type;
            try {
                type = Class.forName((String) name);
            } catch (ClassNotFoundException e) {
                continue;
            }
            servers.add((ServerInstrumentation) type.getDeclaredConstructor().newInstance());
        }
        assertThat(servers).as("instrumentations found").hasSizeGreaterThan(5);
        return servers;
    }

    /** The agent classes a class file names in its constant pool: classes, and the types in descriptors. */
    private static Set<String> namedIn(String className) throws IOException {
        Set<String> named = new TreeSet<>();
        try (InputStream in = PremainClassLoadingTest.class.getClassLoader()
                .getResourceAsStream(className.replace('.', '/') + ".class")) {
            assertThat(in).as("class file of %s", className).isNotNull();
            DataInputStream data = new DataInputStream(in);
            data.skipBytes(8); // magic, versions
            int count = data.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 1:
                        Matcher matcher = AGENT_TYPE.matcher(data.readUTF());
                        while (matcher.find()) {
                            named.add(matcher.group().replace('/', '.'));
                        }
                        break;
                    case 7: case 8: case 16: case 19: case 20:
                        data.skipBytes(2);
                        break;
                    case 15:
                        data.skipBytes(3);
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                        data.skipBytes(4);
                        break;
                    case 5: case 6:
                        data.skipBytes(8);
                        i++; // takes two entries
                        break;
                    default:
                        throw new AssertionError("constant pool tag " + tag + " in " + className);
                }
            }
        }
        return named;
    }

    /** Valid values of every kind of knob; a new knob whose values none of these fits makes the test say so. */
    private static List<String> candidates() throws IOException {
        Path tokens = dir.resolve("tokens.txt");
        Files.writeString(tokens, "file-token\n", StandardCharsets.UTF_8);
        Path jwks = dir.resolve("jwks.json");
        try {
            Files.writeString(jwks, new com.nimbusds.jose.jwk.JWKSet(new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
                    .keyID("k1").generate().toPublicJWK()).toString(), StandardCharsets.UTF_8);
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
        return List.of("enforce", "1", "4MiB", "s3cret", tokens.toString(), jwks.toString(), HEX, "mcp",
                "https://mcp.example.com/mcp", "https://as.example.com", "mcp:tools", "/a", "prod", "x-my-edge",
                "http://localhost", "localhost", "127.0.0.1", "8080", "warn", "deny", "json", "RS256", "60", "30s",
                "0", "off", "dev", "5/s", "redis://127.0.0.1:6379", "local", "echo=mcp:tools;*=");
    }

    /** Defines the agent's classes itself (the others come from its parent) and records which. */
    private static final class RecordingLoader extends URLClassLoader {
        final Set<String> defined = new ConcurrentSkipListSet<>();

        RecordingLoader(URL classes, ClassLoader parent) {
            super(new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.mcpguard.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> type = findLoadedClass(name);
                if (type == null) {
                    type = findClass(name);
                    defined.add(name);
                }
                if (resolve) {
                    resolveClass(type);
                }
                return type;
            }
        }
    }
}
