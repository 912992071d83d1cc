package dev.mcpguard.oauth;

import static dev.mcpguard.oauth.Tokens.EC;
import static dev.mcpguard.oauth.Tokens.RSA;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mcpguard.audit.OperatorLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The refresher against a real HTTP server on loopback, its clock driven by the test. */
class KeyRefresherTest {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final OperatorLog log = new OperatorLog(new PrintStream(logged, true, StandardCharsets.UTF_8));
    private final SigningKeys keys = new SigningKeys();
    /** path → [status, body, Location]; what is not here is a 404 */
    private final Map<String, Object[]> served = new ConcurrentHashMap<>();
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String origin;

    @TempDir
    Path dir;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requested.add(exchange.getRequestURI().getPath());
            Object[] answer = served.get(exchange.getRequestURI().getPath());
            byte[] body = answer == null ? new byte[0] : ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            if (answer != null && answer.length > 2) {
                exchange.getResponseHeaders().set("Location", (String) answer[2]);
            }
            exchange.sendResponseHeaders(answer == null ? 404 : (Integer) answer[0], body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        origin = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    private KeyRefresher refresher(KeySource source) {
        return new KeyRefresher(source, "the test's source", keys, log);
    }

    private String metadata(String issuer, String jwksPath) {
        return "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + origin + jwksPath + "\"}";
    }

    @Test
    void discoveryTriesRfc8414ThenOpenIdInsertedThenAppended() {
        assertThat(KeySource.Discovery.metadataUrls("https://as.example/tenant/")).containsExactly(
                "https://as.example/.well-known/oauth-authorization-server/tenant",
                "https://as.example/.well-known/openid-configuration/tenant",
                "https://as.example/tenant/.well-known/openid-configuration");
        assertThat(KeySource.Discovery.metadataUrls("https://as.example")).containsExactly(
                "https://as.example/.well-known/oauth-authorization-server",
                "https://as.example/.well-known/openid-configuration");
    }

    @Test
    void theAppendedOpenIdFormIsFoundWhenItIsTheOnlyOne() {
        String issuer = origin + "/tenant";
        served.put("/tenant/.well-known/openid-configuration", new Object[] {200, metadata(issuer, "/keys")});
        served.put("/keys", new Object[] {200, Tokens.jwks(RSA)});

        refresher(new KeySource.Discovery(issuer)).step(0);

        assertThat(requested).containsExactly("/.well-known/oauth-authorization-server/tenant",
                "/.well-known/openid-configuration/tenant", "/tenant/.well-known/openid-configuration", "/keys");
        assertThat(keys.current().kids()).containsExactly("r1");
        assertThat(log()).contains("INFO mcpguard - JWT signing keys from the test's source: 1 key(s), kid r1 "
                + "(before: none)");
    }

    @Test
    void metadataNamingAnotherIssuerIsNotUsed() {
        String issuer = origin + "/tenant";
        served.put("/.well-known/oauth-authorization-server/tenant",
                new Object[] {200, metadata(origin + "/evil", "/evil-keys")});
        served.put("/evil-keys", new Object[] {200, Tokens.jwks(EC)});
        served.put("/.well-known/openid-configuration/tenant", new Object[] {200, metadata(issuer, "/keys")});
        served.put("/keys", new Object[] {200, Tokens.jwks(RSA)});

        refresher(new KeySource.Discovery(issuer)).step(0);

        assertThat(keys.current().kids()).containsExactly("r1");
        assertThat(requested).doesNotContain("/evil-keys");
    }

    @Test
    void aFailedReadKeepsTheLastKeysAndSaysSoOnce() {
        served.put("/keys", new Object[] {200, Tokens.jwks(RSA)});
        KeyRefresher refresher = refresher(new KeySource.UrlSource(origin + "/keys"));
        refresher.step(0);

        served.put("/keys", new Object[] {500, "down"});
        refresher.step(KeyRefresher.PERIOD_MILLIS);
        refresher.step(2 * KeyRefresher.PERIOD_MILLIS);

        assertThat(keys.current().kids()).containsExactly("r1");
        assertThat(log().split("ERROR", -1)).as("one ERROR line for one problem").hasSize(2);
        assertThat(log()).contains("ERROR mcpguard - could not read the JWT signing keys from the test's source "
                + "(HTTP 500): keeping the 1 key(s) read before");

        served.put("/keys", new Object[] {200, Tokens.jwks(RSA, EC)});
        refresher.step(3 * KeyRefresher.PERIOD_MILLIS);
        assertThat(log()).contains("JWT signing keys read from the test's source again")
                .contains("2 key(s), kid r1,e1 (before: r1)");
    }

    @Test
    void withTheIssuerDownAtStartTheFirstUnknownKeyCueReadsAgain() {
        KeyRefresher refresher = refresher(new KeySource.UrlSource(origin + "/keys"));
        refresher.step(0);
        assertThat(keys.current().isEmpty()).as("no keys: every JWT is refused unknown_key").isTrue();

        served.put("/keys", new Object[] {200, Tokens.jwks(RSA)});
        refresher.refreshSoon();
        assertThat(refresher.step(KeyRefresher.UNKNOWN_KEY_INTERVAL_MILLIS)).isEqualTo(KeyRefresher.PERIOD_MILLIS);

        assertThat(keys.current().kids()).containsExactly("r1");
        assertThat(log()).contains("(HTTP 404): keeping the 0 key(s) read before").contains("read from the test's "
                + "source again");
    }

    @Test
    void aResponseOverOneMebibyteIsRefused() {
        served.put("/keys", new Object[] {200, " ".repeat(HttpFetch.MAX_BYTES) + Tokens.jwks(RSA)});

        refresher(new KeySource.UrlSource(origin + "/keys")).step(0);

        assertThat(keys.current().isEmpty()).isTrue();
        assertThat(log()).contains("larger than 1 MiB");
    }

    @Test
    void redirectsAreFollowedWithinTheOriginOnly() {
        served.put("/old-keys", new Object[] {302, "", "/keys"});
        served.put("/keys", new Object[] {200, Tokens.jwks(RSA)});
        refresher(new KeySource.UrlSource(origin + "/old-keys")).step(0);
        assertThat(keys.current().kids()).containsExactly("r1");

        served.put("/elsewhere", new Object[] {302, "", origin.replace("127.0.0.1", "localhost") + "/keys"});
        requested.clear();
        new KeyRefresher(new KeySource.UrlSource(origin + "/elsewhere"), "the test's source", new SigningKeys(), log)
                .step(0);
        assertThat(requested).containsExactly("/elsewhere");
        assertThat(log()).contains("(HTTP 302: a redirect to another origin)");
    }

    @Test
    void anUnknownKidRefreshesAtMostEveryThirtySeconds() {
        CountingSource source = new CountingSource();
        KeyRefresher refresher = refresher(source);
        assertThat(refresher.step(0)).isEqualTo(KeyRefresher.PERIOD_MILLIS);
        assertThat(source.reads).isEqualTo(1);

        refresher.refreshSoon();
        refresher.refreshSoon();
        assertThat(refresher.step(1000)).as("waits out the 30 s").isEqualTo(29_000);
        assertThat(source.reads).isEqualTo(1);

        assertThat(refresher.step(30_000)).isEqualTo(KeyRefresher.PERIOD_MILLIS);
        assertThat(source.reads).isEqualTo(2);
        assertThat(refresher.step(30_001)).as("one cue, one read").isEqualTo(KeyRefresher.PERIOD_MILLIS - 1);
        assertThat(source.reads).isEqualTo(2);
    }

    @Test
    void aKeysFileIsReadAgainWhenItChanges() throws IOException {
        Path file = dir.resolve("jwks.json");
        Files.writeString(file, Tokens.jwks(RSA));
        KeyRefresher refresher = refresher(new KeySource.FileSource(file));
        assertThat(refresher.step(0)).isEqualTo(KeyRefresher.FILE_CHECK_MILLIS);
        assertThat(keys.current().kids()).containsExactly("r1");

        Files.writeString(file, Tokens.jwks(EC));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        refresher.step(1000);

        assertThat(keys.current().kids()).containsExactly("e1");
    }

    @Test
    @Timeout(10)
    void theThreadReadsFirstAndAnswersACue() throws InterruptedException {
        CountingSource source = new CountingSource();
        KeyRefresher refresher = refresher(source);
        AtomicLong now = new AtomicLong();
        Thread thread = new Thread(() -> refresher.loop(now::get, millis -> Thread.sleep(Math.min(millis, 20))));
        thread.setDaemon(true);
        thread.start();
        try {
            while (source.reads == 0) {
                Thread.sleep(5);
            }
            now.set(KeyRefresher.UNKNOWN_KEY_INTERVAL_MILLIS);
            refresher.unknownKeyCue().run();
            while (source.reads < 2) {
                Thread.sleep(5);
            }
        } finally {
            thread.interrupt();
        }
    }

    /** A key source that counts its reads. */
    private static final class CountingSource extends KeySource {
        volatile int reads;

        @Override
        String read() {
            reads++;
            return Tokens.jwks(RSA);
        }
    }
}
