package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every supported version line either links or is refused, none is silently wrong: the agent's own
 * fit check ({@code VersionFit}, the muzzle it runs at type match) against each line's real server
 * jars, as a table; then the one refused line, Jetty 9.4, as a real server under the agent, and the
 * line nothing else runs, Netty 4.2, gated for real.
 */
class VersionLinesIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String LINKS = "links";

    /** The adapters whose hooked types each line's jars hold, and what the agent makes of them. */
    private static final Map<String, Map<String, String>> EXPECTED = new LinkedHashMap<>();

    static {
        for (String tomcat : List.of("tomcat-9.0", "tomcat-10.1", "tomcat-11.0")) {
            EXPECTED.put(tomcat, Map.of("TomcatInstrumentation", LINKS));
        }
        EXPECTED.put("jetty-9.4", Map.of(
                "Jetty10Instrumentation", "refused (every request it serves is refused 503 gate_error): "
                        + "org.eclipse.jetty.http.HttpURI is a class, an interface was expected (needed by Jetty10RequestView)",
                "JettyDispatchInstrumentation", LINKS));
        for (String jetty : List.of("jetty-10", "jetty-11")) {
            EXPECTED.put(jetty, Map.of("Jetty10Instrumentation", LINKS, "JettyDispatchInstrumentation", LINKS));
        }
        for (String jetty : List.of("jetty-12.0", "jetty-12.1")) {
            EXPECTED.put(jetty, Map.of("JettyInstrumentation", LINKS, "JettyDispatchInstrumentation", LINKS));
        }
        for (String undertow : List.of("undertow-2.2", "undertow-2.3")) {
            EXPECTED.put(undertow, Map.of("UndertowInstrumentation", LINKS));
        }
        for (String netty : List.of("netty-4.1", "netty-4.2", "reactor-netty-1.1", "reactor-netty-1.2", "reactor-netty-1.3")) {
            EXPECTED.put(netty, Map.of("NettyInstrumentation", LINKS, "NettyHttp2Instrumentation", LINKS,
                    "NettyListenerInstrumentation", LINKS));
        }
    }

    /** Hooks on the JDK's own classes, which every class loader sees: not what a version line is about. */
    private static final List<String> JDK_HOOKS = List.of("BindInstrumentation", "JdkHttpInstrumentation");

    @Test
    void everyVersionLineLinksOrIsRefused() throws Exception {
        Map<String, Map<String, String>> actual = new LinkedHashMap<>();
        try (URLClassLoader agent = new URLClassLoader(new URL[] {DemoServer.TestJars.agent().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            var fit = agent.loadClass("dev.mcpguard.agent.VersionFit").getMethod("of", ClassLoader.class);
            for (String line : EXPECTED.keySet()) {
                try (URLClassLoader server = new URLClassLoader(jars(line), ClassLoader.getPlatformClassLoader())) {
                    @SuppressWarnings("unchecked")
                    Map<String, String> adapters = new TreeMap<>((Map<String, String>) fit.invoke(null, server));
                    adapters.keySet().removeAll(JDK_HOOKS);
                    actual.put(line, adapters);
                    System.out.println("version line " + line + ": " + adapters);
                }
            }
        }
        try (Stream<Path> lines = Files.list(linesDirectory())) {
            assertThat(lines.map(line -> line.getFileName().toString())).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
        }
        assertThat(actual).isEqualTo(EXPECTED);
    }

    /**
     * A Jetty the gate does not link against is refused, never run ungated: one ERROR line at load, and
     * every request (a valid token's too) answered 503 gate_error, also when ON_ERROR lets failed gates pass.
     */
    @ParameterizedTest
    @ValueSource(strings = {"deny", "allow"})
    void jetty94IsRefusedWhateverOnErrorSays(String onError) {
        Launch launch = Launch.standard().with("MCPGUARD_ON_ERROR", onError);
        try (SourceApp jetty = SourceApp.start("Jetty94App", "jetty-9.4", launch)) {
            assertThat(jetty.stderr.await(0, line -> line.contains("NOT GATED"), Duration.ofSeconds(10)))
                    .as("the ERROR line, in %s", jetty.stderr).isPresent();
            String error = jetty.stderr.all().stream().filter(line -> line.contains("NOT GATED")).findFirst().orElseThrow();
            assertThat(error).contains("ERROR", "jetty NOT GATED", "org.eclipse.jetty.server.Server", "9.4.57",
                    "Jetty10Instrumentation", "Jetty 10.0 – 11.0", "org.eclipse.jetty.http.HttpURI is a class",
                    "refused 503 gate_error");
            assertThat(jetty.stderr.all()).noneMatch(line -> line.contains("instrumented jetty: org.eclipse.jetty.server.Server"));
            for (Request request : List.of(Request.get("/health"), Request.get("/mcp").bearer(Launch.TOKEN),
                    Request.get(Launch.LOOPBACK_PATH).bearer(Launch.TOKEN))) {
                RawResponse response = RawHttp.exchange(jetty.port, request);
                assertThat(response.status()).as("%s", response).isEqualTo(503);
                assertThat(response.text()).contains("\"error\":\"gate_error\"").doesNotContain("app ");
            }
        }
    }

    /** Netty 4.2 (Spring Boot 4's line) runs gated: no token, no application; a token gets through. */
    @Test
    void netty42IsGated() {
        try (SourceApp netty = SourceApp.start("Netty42App", "netty-4.2", Launch.standard())) {
            RawResponse refused = RawHttp.exchange(netty.port, Request.get("/mcp"));
            assertThat(refused.status()).as("%s", refused).isEqualTo(401);
            assertThat(refused.text()).contains("missing_token").doesNotContain("app ");
            RawResponse allowed = RawHttp.exchange(netty.port, Request.get("/mcp").bearer(Launch.TOKEN));
            assertThat(allowed.status()).as("%s", allowed).isEqualTo(200);
            assertThat(allowed.text()).isEqualTo("app /mcp");
            assertThat(netty.stderr.all()).noneMatch(line -> line.contains("NOT GATED"));
        }
    }

    private static Path linesDirectory() {
        String directory = System.getProperty("mcpguard.version.lines");
        if (directory == null) {
            throw new IllegalStateException("system property mcpguard.version.lines is not set: run the suite with `mvn verify`");
        }
        return Path.of(directory);
    }

    private static URL[] jars(String line) throws IOException {
        try (Stream<Path> jars = Files.list(linesDirectory().resolve(line))) {
            List<URL> urls = new ArrayList<>();
            for (Path jar : jars.sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
            assertThat(urls).as("jars of %s", line).isNotEmpty();
            return urls.toArray(new URL[0]);
        }
    }

    /** A one-file test app run by the java launcher from source, on one version line's jars, with the agent. */
    private static final class SourceApp implements AutoCloseable {
        private final Process process;
        private final LogLines stderr;
        private final int port;

        private SourceApp(Process process, LogLines stderr, int port) {
            this.process = process;
            this.stderr = stderr;
            this.port = port;
        }

        static SourceApp start(String app, String line, Launch launch) {
            Path source = Path.of(System.getProperty("mcpguard.test.apps"), app + ".java");
            List<String> command = List.of(DemoServer.TestJars.java(), "-javaagent:" + DemoServer.TestJars.agent(),
                    "-cp", linesDirectory().resolve(line) + "/*", source.toString());
            ProcessBuilder builder = new ProcessBuilder(command);
            DemoServer.cleanEnvironment(builder.environment());
            builder.environment().putAll(launch.env());
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + command, e);
            }
            LogLines stdout = LogLines.pump(process.getInputStream(), app + "-stdout");
            LogLines stderr = LogLines.pump(process.getErrorStream(), app + "-stderr");
            Pattern listening = Pattern.compile("LISTENING 127\\.0\\.0\\.1:(\\d+)");
            var found = stdout.await(0, text -> listening.matcher(text).matches(), START_TIMEOUT);
            if (found.isEmpty()) {
                DemoServer.stop(process);
                fail("%s did not print LISTENING within %s%nstdout:%n%s%nstderr:%n%s", app, START_TIMEOUT, stdout, stderr);
            }
            Matcher port = listening.matcher(stdout.all().get(found.get()));
            port.matches(); // true: the line was chosen by this pattern
            return new SourceApp(process, stderr, Integer.parseInt(port.group(1)));
        }

        @Override
        public void close() {
            DemoServer.stop(process);
        }
    }
}
