package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpguard.it.Stacks.Stack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JWT access tokens (design §9) from a real authorization server ({@link AuthServer}: Spring Authorization Server,
 * RS256, its metadata and JWKS fetched by the agent over HTTP) and hand-made ones, judged by the AUTH gate.
 *
 * <p>The token cases run on every stack, enforcing and log-only: a valid token passes and names its principal, each
 * broken one is refused 401 {@code invalid_token} (in log-only: served, one {@code would_block} line) with the §9
 * detail, a token without the required scope 403 {@code insufficient_scope}. Hand-made tokens are signed with the
 * authorization server's own key (read from its keys file), so each fails for the one claim or header it changes.
 *
 * <p>The key cases wait on the agent's refresher, which fetches the keys at start, every 10 minutes, and on an
 * unknown {@code kid} at most every 30 s after its last fetch: they run on two stacks only (jetty and netty: the
 * refresher is the same on every stack), last, each against demo JVMs of its own started with the class, so that
 * their 30 s have passed by then and the tests seldom wait. The authorization server down at the agent's start: no
 * JWT passes until a token with an unknown {@code kid} makes the agent fetch again. A rotation: the new key's token
 * is refused until that fetch, accepted after. The server down during a rotation: the failed fetch keeps the keys
 * read before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuthIT {

    /** An identifier, not the demo's address: the audience the tokens are asked for. */
    private static final String RESOURCE = "http://127.0.0.1/mcp";
    private static final String METADATA_URL = "http://127.0.0.1/.well-known/oauth-protected-resource/mcp";
    private static final String REQUIRED_SCOPE = "mcp:tools";
    private static final String SCOPES = "mcp:read mcp:tools";
    private static final String HAND_MADE = "hand-made-client";

    private static final List<String> SLOW_STACKS = List.of("jetty", "netty");
    /** Past the refresher's 30 s between fetches, with room for a loaded machine. */
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(50);

    private static AuthServer as;
    /** Down when the {@link #NO_KEYS_AT_START} servers start, up again before their test. */
    private static AuthServer downAtStart;
    /** Rotated by the key tests, and stopped. */
    private static AuthServer rotating;

    @RegisterExtension
    static final DemoServers ENFORCE = DemoServers.perStack(stack -> jwt(as).with("MCPGUARD_LOG_ALLOWED", "1"));

    @RegisterExtension
    static final DemoServers LOG_ONLY = DemoServers.perStack(stack -> jwt(as).with("MCPGUARD_MODE", "log-only"));

    @RegisterExtension
    static final DemoServers NO_KEYS_AT_START = DemoServers.perStack(stack -> jwt(downAtStart));

    @RegisterExtension
    static final DemoServers ROTATION = DemoServers.perStack(stack -> jwt(rotating));

    @RegisterExtension
    static final DemoServers DOWN_DURING_ROTATION = DemoServers.perStack(stack -> jwt(rotating));

    /** The tokens of the cases, made once. */
    enum Token {
        VALID, VALID_HAND_MADE, EXPIRED, NOT_YET_VALID, WRONG_AUDIENCE, NO_AUDIENCE_ASKED, WRONG_ISSUER, UNKNOWN_KID,
        ALG_NONE, ALG_NONE_WITH_A_SIGNATURE, HS256_WITH_THE_PUBLIC_KEY, TAMPERED_PAYLOAD, NO_EXPIRY, OTHER_CLIENT,
        READ_SCOPE_ONLY
    }

    private static final Map<Token, String> TOKENS = new EnumMap<>(Token.class);
    /** Signed by {@link #downAtStart} before it went down. */
    private static String tokenOfTheServerDownAtStart;
    /** Signed by {@link #rotating}'s first key. */
    private static String tokenBeforeTheRotations;

    @BeforeAll
    static void start() throws Exception {
        // three JVMs that mostly wait on their class path: started side by side
        var starting = Stream.generate(() -> CompletableFuture.supplyAsync(() -> AuthServer.start())).limit(3).toList();
        as = starting.get(0).join();
        rotating = starting.get(1).join();
        downAtStart = starting.get(2).join();
        tokenOfTheServerDownAtStart = downAtStart.token(AuthServer.CLIENT, AuthServer.SECRET, SCOPES, RESOURCE);
        downAtStart.stop();
        tokenBeforeTheRotations = rotating.token(AuthServer.CLIENT, AuthServer.SECRET, SCOPES, RESOURCE);
        makeTokens();

        List<Stack> slow = slowStacks().toList();
        DemoServers.startAll(3, Map.of(ENFORCE, Stacks.ALL, LOG_ONLY, Stacks.ALL,
                NO_KEYS_AT_START, slow, ROTATION, slow, DOWN_DURING_ROTATION, slow));
        for (Stack stack : Stacks.ALL) {
            for (DemoServers configuration : List.of(ENFORCE, LOG_ONLY)) {
                keysRead(configuration.on(stack));
            }
        }
        for (Stack stack : slow) {
            keysRead(ROTATION.on(stack));
            keysRead(DOWN_DURING_ROTATION.on(stack));
            NO_KEYS_AT_START.on(stack).awaitStderrLine("ERROR", "could not read the JWT signing keys");
        }
        downAtStart.restart();
    }

    @AfterAll
    static void stop() {
        for (AuthServer server : new AuthServer[] {as, rotating, downAtStart}) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static Launch jwt(AuthServer server) {
        return Launch.standard().without("MCPGUARD_TOKEN")
                .with("MCPGUARD_JWT_ISSUER", server.issuer())
                .with("MCPGUARD_RESOURCE", RESOURCE)
                .with("MCPGUARD_AUTHORIZATION_SERVERS", server.issuer())
                .with("MCPGUARD_REQUIRED_SCOPES", REQUIRED_SCOPE);
    }

    /** The agent read the keys at its start (on a thread of its own, so perhaps just after the server listened). */
    private static void keysRead(DemoServer server) {
        server.awaitStderrLine("INFO mcpguard - JWT signing keys from");
    }

    private static void makeTokens() throws JOSEException, java.text.ParseException {
        TOKENS.put(Token.VALID, as.token(AuthServer.CLIENT, AuthServer.SECRET, SCOPES, RESOURCE));
        TOKENS.put(Token.WRONG_AUDIENCE, as.token(AuthServer.CLIENT, AuthServer.SECRET, SCOPES, "http://127.0.0.1/other"));
        TOKENS.put(Token.NO_AUDIENCE_ASKED, as.token(AuthServer.CLIENT, AuthServer.SECRET, SCOPES, null));
        TOKENS.put(Token.OTHER_CLIENT, as.token(AuthServer.OTHER_CLIENT, AuthServer.OTHER_SECRET, "other", RESOURCE));
        TOKENS.put(Token.READ_SCOPE_ONLY, as.token(AuthServer.CLIENT, AuthServer.SECRET, "mcp:read", RESOURCE));

        RSAKey key = as.signingKey();
        Instant now = Instant.now();
        TOKENS.put(Token.VALID_HAND_MADE, handMade(key, claims -> claims));
        // past the agent's default 60 s of leeway, either way
        TOKENS.put(Token.EXPIRED, handMade(key, claims -> claims.issueTime(Date.from(now.minusSeconds(900)))
                .expirationTime(Date.from(now.minusSeconds(300)))));
        TOKENS.put(Token.NOT_YET_VALID, handMade(key, claims -> claims.notBeforeTime(Date.from(now.plusSeconds(300)))));
        TOKENS.put(Token.WRONG_ISSUER, handMade(key, claims -> claims.issuer("http://127.0.0.1:1/not-the-issuer")));
        TOKENS.put(Token.NO_EXPIRY, handMade(key, claims -> claims.expirationTime(null)));
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("mcpguard-it-unknown-key").generate();
        TOKENS.put(Token.UNKNOWN_KID, handMade(unknown, claims -> claims));

        JWTClaimsSet claims = baseClaims().build();
        TOKENS.put(Token.ALG_NONE, new PlainJWT(claims).serialize());
        TOKENS.put(Token.ALG_NONE_WITH_A_SIGNATURE, new PlainJWT(claims).serialize()
                + Base64URL.encode("not a signature".getBytes(StandardCharsets.UTF_8)));
        // the classic confusion: the verifier's public key taken as an HMAC secret
        SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims);
        hs256.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
        TOKENS.put(Token.HS256_WITH_THE_PUBLIC_KEY, hs256.serialize());

        // the server's header and signature around a payload that names another subject
        String[] valid = TOKENS.get(Token.VALID).split("\\.");
        JWTClaimsSet signed = JWTClaimsSet.parse(Base64URL.from(valid[1]).decodeToString());
        String otherSubject = Base64URL.encode(new JWTClaimsSet.Builder(signed).subject("admin").build().toString()).toString();
        TOKENS.put(Token.TAMPERED_PAYLOAD, valid[0] + "." + otherSubject + "." + valid[2]);
    }

    private static JWTClaimsSet.Builder baseClaims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(as.issuer())
                .audience(RESOURCE)
                .subject(HAND_MADE)
                .claim("client_id", HAND_MADE)
                .claim("scope", SCOPES)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600)));
    }

    /** Signed RS256 by {@code key}, its {@code kid} named, as the authorization server signs. */
    private static String handMade(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> change) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                change.apply(baseClaims()).build());
        JWSSigner signer = new RSASSASigner(key);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /**
     * A token and what the gate makes of it.
     *
     * @param refusal null: accepted
     * @param detail  the decision line's {@code mcpguard.detail}; null for none
     * @param user    the decision line's {@code user.name}; null for none
     */
    record Case(Token token, Refusal refusal, String detail, String user) {
        @Override
        public String toString() {
            return token + " -> " + (refusal == null ? "accepted" : refusal + (detail == null ? "" : " " + detail));
        }
    }

    private static final List<Case> CASES = List.of(
            new Case(Token.VALID, null, null, AuthServer.CLIENT),
            new Case(Token.VALID_HAND_MADE, null, null, HAND_MADE),
            new Case(Token.EXPIRED, Refusal.INVALID_TOKEN, "expired", null),
            new Case(Token.NOT_YET_VALID, Refusal.INVALID_TOKEN, "not_yet_valid", null),
            new Case(Token.WRONG_AUDIENCE, Refusal.INVALID_TOKEN, "audience", null),
            new Case(Token.NO_AUDIENCE_ASKED, Refusal.INVALID_TOKEN, "audience", null),
            new Case(Token.WRONG_ISSUER, Refusal.INVALID_TOKEN, "issuer", null),
            new Case(Token.UNKNOWN_KID, Refusal.INVALID_TOKEN, "unknown_key", null),
            // an unsecured JWT (empty signature part) and one with a signature part are both refused for their algorithm
            new Case(Token.ALG_NONE, Refusal.INVALID_TOKEN, "algorithm", null),
            new Case(Token.ALG_NONE_WITH_A_SIGNATURE, Refusal.INVALID_TOKEN, "algorithm", null),
            new Case(Token.HS256_WITH_THE_PUBLIC_KEY, Refusal.INVALID_TOKEN, "algorithm", null),
            new Case(Token.TAMPERED_PAYLOAD, Refusal.INVALID_TOKEN, "signature", null),
            new Case(Token.NO_EXPIRY, Refusal.INVALID_TOKEN, "malformed", null),
            new Case(Token.OTHER_CLIENT, Refusal.INSUFFICIENT_SCOPE, null, AuthServer.OTHER_CLIENT),
            new Case(Token.READ_SCOPE_ONLY, Refusal.INSUFFICIENT_SCOPE, null, AuthServer.CLIENT));

    static Stream<Arguments> cases() {
        return Stacks.times(CASES);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @Order(1)
    void enforcing(Stack stack, Case c) {
        Exchange ex = ENFORCE.on(stack).exchange(Request.get("/health").bearer(TOKENS.get(c.token())));

        if (c.refusal() == null) {
            assertThat(ex.response().status()).as("status of %s", ex.response()).isEqualTo(200);
            assertThat(ex.response().text()).isEqualTo("ok");
            assertThat(ex.decisions()).as("decision lines").singleElement().satisfies(d -> {
                assertThat(d.action()).as("event.action of %s", d).isEqualTo("allowed");
                assertThat(d.userName()).as("user.name of %s", d).isEqualTo(c.user());
            });
            return;
        }
        Expect.refusal(ex.response(), c.refusal(), challenge(c.refusal()));
        Expect.onlyLine(ex.decisions(), "blocked", c.refusal(), "GET", "/health", stack);
        assertThat(ex.decisions().get(0).detail()).as("mcpguard.detail").isEqualTo(c.detail());
        assertThat(ex.decisions().get(0).userName()).as("user.name").isEqualTo(c.user());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    @Order(1)
    void logOnly(Stack stack, Case c) {
        Exchange ex = LOG_ONLY.on(stack).exchange(Request.get("/health").bearer(TOKENS.get(c.token())));

        assertThat(ex.response().status()).as("status of %s", ex.response()).isEqualTo(200);
        assertThat(ex.response().text()).isEqualTo("ok");
        if (c.refusal() == null) {
            assertThat(ex.decisions()).as("decision lines").isEmpty();
            return;
        }
        Expect.wouldBlock(ex, "GET", "/health", c.refusal());
        assertThat(ex.decisions().get(0).detail()).as("mcpguard.detail").isEqualTo(c.detail());
        assertThat(ex.decisions().get(0).userName()).as("user.name").isEqualTo(c.user());
    }

    /** The MCP endpoint itself, with the SDK's own client where the stack serves its transport. */
    @OnEachStack
    @Order(1)
    void anMcpClientWithAValidTokenCallsATool(Stack stack) {
        DemoServer server = ENFORCE.on(stack);
        if (stack.sdkTransport()) {
            try (var client = McpClients.connect(server, TOKENS.get(Token.VALID))) {
                client.initialize();
                assertThat(client.listTools().tools()).extracting(tool -> tool.name()).contains("echo");
            }
        } else {
            RawMcp.result(server.exchange(RawMcp.post(TOKENS.get(Token.VALID), RawMcp.initialize(1))).response(), 1);
        }
    }

    /**
     * With every gate log-only the agent still answers the RFC 9728 document itself (ResourceMetadataIT checks it
     * enforcing); without {@code MCPGUARD_SCOPES_SUPPORTED} the document has no {@code scopes_supported}.
     */
    @OnEachStack
    @Order(1)
    void inLogOnlyModeTheDocumentIsStillServed(Stack stack) {
        DemoServer server = LOG_ONLY.on(stack);

        for (String path : List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            Exchange ex = server.exchange(Request.get(path));
            assertThat(ex.response().status()).as("status of GET %s: %s", path, ex.response()).isEqualTo(200);
            assertThat(ex.response().header("Content-Type")).as("Content-Type of GET %s", path).startsWith("application/json");
            assertThat(Expect.json(ex.response().text())).as("the document at %s", path).isEqualTo(Map.of(
                    "resource", RESOURCE,
                    "authorization_servers", List.of(as.issuer()),
                    "bearer_methods_supported", List.of("header")));
            assertThat(ex.decisions()).as("decision lines of GET %s", path).isEmpty();
        }
    }

    static Stream<Stack> slowStacks() {
        return Stacks.all().filter(stack -> SLOW_STACKS.contains(stack.name()));
    }

    /**
     * The authorization server was down when the agent started: no keys, so every JWT is refused ({@code unknown_key}:
     * no key of the empty set is named). The refused token cues a fetch, which finds the server up again.
     */
    @Test
    @Order(2)
    void withTheAuthorizationServerDownAtStartNoJwtPassesUntilTheKeysAreFetched() {
        List<DemoServer> servers = slowStacks().map(NO_KEYS_AT_START::on).toList();
        for (DemoServer server : servers) {
            refusedForAnUnknownKey(server, tokenOfTheServerDownAtStart);
        }
        for (DemoServer server : servers) {
            acceptedOnceTheKeysAreFetched(server, tokenOfTheServerDownAtStart);
        }
    }

    /** A token of a key made after the agent's last fetch is refused until the fetch its {@code kid} cues. */
    @Test
    @Order(3)
    void aRotatedKeyIsAcceptedOnceItsUnknownKidMadeTheAgentFetchTheKeys() {
        rotating.rotate();
        String rotated = rotating.token(AuthServer.CLIENT, AuthServer.SECRET, SCOPES, RESOURCE);
        List<DemoServer> servers = slowStacks().map(ROTATION::on).toList();
        for (DemoServer server : servers) {
            refusedForAnUnknownKey(server, rotated);
        }
        for (DemoServer server : servers) {
            acceptedOnceTheKeysAreFetched(server, rotated);
            accepted(server, tokenBeforeTheRotations);
        }
    }

    /**
     * The authorization server down during a rotation: the new key's token cues a fetch, which fails; the keys read
     * before are kept, so their tokens still pass, and the new one is still refused.
     */
    @Test
    @Order(4)
    void withTheAuthorizationServerDownDuringARotationTheLastKeysAreKept() {
        rotating.rotate();
        String rotated = rotating.token(AuthServer.CLIENT, AuthServer.SECRET, SCOPES, RESOURCE);
        rotating.stop();
        List<DemoServer> servers = slowStacks().map(DOWN_DURING_ROTATION::on).toList();
        List<Integer> marks = servers.stream().map(DemoServer::mark).toList();
        for (DemoServer server : servers) {
            refusedForAnUnknownKey(server, rotated);
        }
        for (int i = 0; i < servers.size(); i++) {
            DemoServer server = servers.get(i);
            assertThat(server.stderr().await(marks.get(i), line -> line.contains("ERROR")
                    && line.contains("could not read the JWT signing keys"), REFRESH_TIMEOUT))
                    .as("the failed fetch's ERROR line on %s:%n%s", server, server.stderr()).isPresent();
            accepted(server, tokenBeforeTheRotations);
            refusedForAnUnknownKey(server, rotated);
        }
    }

    private static void refusedForAnUnknownKey(DemoServer server, String token) {
        Exchange ex = server.exchange(Request.get("/health").bearer(token));
        Expect.refusal(ex.response(), Refusal.INVALID_TOKEN, challenge(Refusal.INVALID_TOKEN));
        Expect.onlyLine(ex.decisions(), "blocked", Refusal.INVALID_TOKEN, "GET", "/health", server.stack());
        assertThat(ex.decisions().get(0).detail()).as("mcpguard.detail").isEqualTo("unknown_key");
    }

    private static void accepted(DemoServer server, String token) {
        RawResponse response = RawHttp.exchange(server.port(), Request.get("/health").bearer(token));
        assertThat(response.status()).as("status of %s on %s", response, server).isEqualTo(200);
    }

    /** Polls: the fetch comes at most 30 s after the agent's last one. */
    private static void acceptedOnceTheKeysAreFetched(DemoServer server, String token) {
        long deadline = System.nanoTime() + REFRESH_TIMEOUT.toNanos();
        RawResponse response;
        while ((response = RawHttp.exchange(server.port(), Request.get("/health").bearer(token))).status() != 200
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        assertThat(response.status()).as("status of %s on %s after %s%nstderr:%n%s", response, server, REFRESH_TIMEOUT,
                server.stderr()).isEqualTo(200);
    }

    private static String challenge(Refusal refusal) {
        if (refusal == Refusal.INSUFFICIENT_SCOPE) {
            return "Bearer realm=\"" + Expect.DEFAULT_REALM + "\", resource_metadata=\"" + METADATA_URL
                    + "\", error=\"insufficient_scope\", scope=\"" + REQUIRED_SCOPE + "\"";
        }
        return refusal.challenge(Expect.DEFAULT_REALM, METADATA_URL);
    }
}
