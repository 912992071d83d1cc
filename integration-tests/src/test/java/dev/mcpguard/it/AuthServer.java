package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.fail;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.mcpguard.it.DemoServer.TestJars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' OAuth 2.1 authorization server (integration-tests/auth-server: Spring Authorization Server) in a JVM
 * of its own, on 127.0.0.1, its keys in a JWKS file of its own. Clients {@code mcp-client}/{@code mcp-secret}
 * (scopes {@code mcp:read mcp:tools}) and {@code other-client}/{@code other-secret} ({@code other}) get RS256 JWT
 * access tokens by client_credentials; {@code aud} is the RFC 8707 {@code resource} when one is asked for, else the
 * client id. {@link #stop()} and {@link #restart()} (same port, same keys) make an authorization server that is down
 * at the agent's start or during a rotation.
 */
final class AuthServer implements AutoCloseable {

    static final String CLIENT = "mcp-client";
    static final String SECRET = "mcp-secret";
    static final String OTHER_CLIENT = "other-client";
    static final String OTHER_SECRET = "other-secret";

    /** A ceiling, as for the demo servers: the suites start many JVMs at once on 2 cores. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String HOST = "127.0.0.1";
    private static final Pattern LISTENING = Pattern.compile("LISTENING " + Pattern.quote(HOST) + ":(\\d+) auth-server");

    private final Path directory;
    private final Path keys;
    private final List<String> options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    private int port;
    private Process process;
    private LogLines stderr;

    private AuthServer(Path directory, List<String> options) {
        this.directory = directory;
        this.keys = directory.resolve("keys.json");
        this.options = List.copyOf(options);
    }

    /** On a free port, with new keys; {@code options} such as {@code --token-ttl=SECONDS}. */
    static AuthServer start(String... options) {
        AuthServer server;
        try {
            server = new AuthServer(Files.createTempDirectory("mcpguard-it-auth-server-"), List.of(options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.launch(0);
        return server;
    }

    /** {@code http://127.0.0.1:<port>}, also the base of its endpoints. */
    String issuer() {
        return "http://" + HOST + ":" + port;
    }

    int port() {
        return port;
    }

    /** RFC 8414 metadata: {@code <issuer>/.well-known/oauth-authorization-server}. */
    String metadataUri() {
        return issuer() + "/.well-known/oauth-authorization-server";
    }

    /** The {@code jwks_uri} its metadata names (Spring's default path). */
    String jwksUri() {
        return issuer() + "/oauth2/jwks";
    }

    /** The {@code token_endpoint} its metadata names (Spring's default path). */
    String tokenEndpoint() {
        return issuer() + "/oauth2/token";
    }

    /** The keys it publishes now, fetched from {@link #jwksUri()}. */
    JWKSet jwks() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(jwksUri())).GET());
        expectOk(response, "GET " + jwksUri());
        try {
            return JWKSet.parse(response.body());
        } catch (ParseException e) {
            throw new AssertionError("not a JWKS: " + response.body(), e);
        }
    }

    /** A client_credentials access token; {@code scope} and {@code resource} null to leave them out. */
    String token(String clientId, String secret, String scope, String resource) {
        HttpResponse<String> response = tokenResponse(clientId, secret, scope, resource);
        expectOk(response, "token request for " + clientId);
        return (String) json(response.body()).get("access_token");
    }

    /**
     * The token endpoint's answer to a client_credentials request (client_secret_basic), whatever it is: the
     * token response's JSON, or an OAuth error.
     */
    HttpResponse<String> tokenResponse(String clientId, String secret, String scope, String resource) {
        StringJoiner form = new StringJoiner("&").add("grant_type=client_credentials");
        if (scope != null) {
            form.add("scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        if (resource != null) {
            form.add("resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8));
        }
        // RFC 6749 §2.3.1: both parts form-encoded before the Basic encoding
        String credentials = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
    }

    /**
     * The key it signs with now, private part included, from its keys file: the tests' hand-made tokens (a claim
     * the server would never put in) are signed with it, so that they fail for that claim alone.
     */
    RSAKey signingKey() {
        try {
            return (RSAKey) JWKSet.load(keys.toFile()).getKeys().get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new AssertionError("not a JWKS: " + keys, e);
        }
    }

    /** A new signing key; the old ones stay published. Returns the new key's {@code kid}. */
    String rotate() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(issuer() + "/test/rotate")).POST(HttpRequest.BodyPublishers.noBody()));
        expectOk(response, "POST /test/rotate");
        return (String) json(response.body()).get("kid");
    }

    /** Stops its JVM; {@link #restart()} brings it back. */
    void stop() {
        if (process != null) {
            DemoServer.stop(process);
            process = null;
        }
    }

    /** Stopped if it runs, then started again on the same port with the same keys file: same issuer, same keys. */
    void restart() {
        stop();
        launch(port);
    }

    /** Stops it and deletes its keys. */
    @Override
    public void close() {
        stop();
        try {
            Files.deleteIfExists(keys);
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "auth-server at " + issuer();
    }

    /** Its own JVM, the one that runs the tests: it is the tests' helper, not a JVM under test. */
    private void launch(int wanted) {
        // C1 only and the serial collector: it answers a few requests, and its start (Spring's ~6,000 classes) took
        // a third less time so on a loaded 2-core machine (2.4 s against 3.7 s)
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", TestJars.authServer().toString(), "--host=" + HOST, "--port=" + wanted, "--keys=" + keys));
        command.addAll(options);
        ProcessBuilder builder = new ProcessBuilder(command);
        DemoServer.cleanEnvironment(builder.environment());
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        LogLines out = LogLines.pump(started.getInputStream(), "auth-server-stdout");
        LogLines err = LogLines.pump(started.getErrorStream(), "auth-server-stderr");
        var line = out.await(0, text -> LISTENING.matcher(text).matches(), START_TIMEOUT);
        if (line.isEmpty()) {
            DemoServer.stop(started);
            fail("the auth server did not print LISTENING within %s%nstdout:%n%s%nstderr:%n%s", START_TIMEOUT, out, err);
        }
        Matcher listening = LISTENING.matcher(out.all().get(line.get()));
        listening.matches(); // true: the line was chosen by this pattern
        process = started;
        stderr = err;
        port = Integer.parseInt(listening.group(1));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("no answer from " + this, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void expectOk(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            fail("%s: %d %s%nauth-server stderr:%n%s", what, response.statusCode(), response.body(), stderr);
        }
    }

    /** A JSON object (nimbus-jose-jwt's parser: the tests' JOSE library already). */
    static Map<String, Object> json(String text) {
        try {
            return JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            throw new AssertionError("not a JSON object: " + text, e);
        }
    }
}
