package dev.mcpguard.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.Authentication;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Verdict;
import dev.mcpguard.oauth.JwtAuthenticator;
import dev.mcpguard.oauth.JwtPolicy;
import dev.mcpguard.oauth.KeyRefresher;
import dev.mcpguard.oauth.SigningKeys;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The AUTH gate with JWT access tokens next to static tokens, in one run so that their ratio is
 * read from one machine state: the allow path of the same {@code tools/call} request through
 * {@link Guard#check} with a static token ({@code allowStaticToken}) and with a JWT already
 * validated once ({@code allowCachedJwt}: a cache lookup and a constant-time comparison), a static
 * token as long as that JWT ({@code allowStaticTokenOfJwtLength}), and a cold RS256
 * validation of a token never seen ({@code coldRs256}: parse, signature, claims). Guards are built
 * from the knobs as the agent builds them ({@code MCPGUARD_JWT_ISSUER}, {@code MCPGUARD_RESOURCE},
 * {@code MCPGUARD_JWKS_FILE}); the keys are read by the agent's own refresher thread.
 *
 * <p>Run: {@code java -jar integration-tests/bench/target/benchmarks.jar JwtBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class JwtBenchmark {
    static final String ISSUER = "https://as.example.com/tenant";
    static final String RESOURCE = "https://mcp.example.com/mcp";

    Guard staticGuard;
    Guard longStaticGuard;
    Guard jwtGuard;
    ArrayRequest withStaticToken;
    ArrayRequest withLongStaticToken;
    ArrayRequest withJwt;
    /** What {@link #coldRs256} validates: the header value and where its token starts. */
    String coldHeader;
    JwtPolicy policy;
    SigningKeys keys;

    @Setup
    public void setUp() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-1").generate();
        Path jwks = Files.createTempFile("mcpguard-bench", ".jwks");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString(), StandardCharsets.UTF_8);
        jwks.toFile().deleteOnExit();

        staticGuard = GuardBenchmark.guard(GuardBenchmark.NO_OP);
        Config config = Config.load(new KnobSource(Map.of(
                "MCPGUARD_MAX_BODY_BYTES", "2MiB",
                "MCPGUARD_LOOPBACK_PATHS", "/inspector",
                "MCPGUARD_JWT_ISSUER", ISSUER,
                "MCPGUARD_RESOURCE", RESOURCE,
                "MCPGUARD_JWKS_FILE", jwks.toString()), new Properties()));
        policy = config.jwt();
        keys = new SigningKeys();
        KeyRefresher refresher = KeyRefresher.start(policy, keys,
                new OperatorLog(new PrintStream(OutputStream.nullOutputStream())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (keys.current().size() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the refresher did not read " + jwks);
            }
            Thread.sleep(10);
        }
        jwtGuard = new Guard(config.guardSettings(null, new JwtAuthenticator(policy, keys, refresher.unknownKeyCue()), null),
                GuardBenchmark.NO_OP);

        withStaticToken = GuardBenchmark.mcp("/mcp", "localhost:8080", "Bearer " + GuardBenchmark.TOKEN, "1100");
        String jwt = token(key, "cached");
        withJwt = GuardBenchmark.mcp("/mcp", "localhost:8080", "Bearer " + jwt, "1100");
        // a static token as long as the JWT, in b64token characters: what the token's length alone costs
        String longToken = jwt.replace('.', '-');
        Config longConfig = Config.load(new KnobSource(Map.of("MCPGUARD_MAX_BODY_BYTES", "2MiB",
                "MCPGUARD_LOOPBACK_PATHS", "/inspector", "MCPGUARD_TOKEN", longToken), new Properties()));
        longStaticGuard = new Guard(longConfig.guardSettings(longConfig.acceptedTokens(), null, null), GuardBenchmark.NO_OP);
        withLongStaticToken = GuardBenchmark.mcp("/mcp", "localhost:8080", "Bearer " + longToken, "1100");
        coldHeader = "Bearer " + token(key, "cold");
        Guard[] guards = {staticGuard, longStaticGuard, jwtGuard};
        ArrayRequest[] requests = {withStaticToken, withLongStaticToken, withJwt};
        for (int i = 0; i < guards.length; i++) {
            Verdict verdict = guards[i].check(requests[i], GuardBenchmark.STACK);
            if (!verdict.allowed() || verdict.principal() == null) {
                throw new IllegalStateException("the allow path must be measured: " + verdict.refusal());
            }
        }
    }

    /** What an authorization server issues: RS256, {@code kid}, {@code typ: at+jwt}, an hour of life, two scopes. */
    private static String token(RSAKey key, String subject) throws JOSEException {
        long now = System.currentTimeMillis();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(new JOSEObjectType("at+jwt")).build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).audience(RESOURCE).subject(subject)
                        .claim("client_id", "bench-client").claim("scope", "mcp:read mcp:tools")
                        .issueTime(new Date(now)).notBeforeTime(new Date(now))
                        .expirationTime(new Date(now + TimeUnit.HOURS.toMillis(1))).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** The allow path with a static token (MCPGUARD_TOKEN): the baseline. */
    @Benchmark
    public Verdict allowStaticToken() {
        return staticGuard.check(withStaticToken, GuardBenchmark.STACK);
    }

    /** A static token as long as the JWT below (574 characters): the baseline at the same length. */
    @Benchmark
    public Verdict allowStaticTokenOfJwtLength() {
        return longStaticGuard.check(withLongStaticToken, GuardBenchmark.STACK);
    }

    /** The same request with a JWT validated once before: cache lookup, constant-time comparison, expiry check. */
    @Benchmark
    public Verdict allowCachedJwt() {
        return jwtGuard.check(withJwt, GuardBenchmark.STACK);
    }

    /** A fresh authenticator per call: every validation is a miss. */
    @State(Scope.Thread)
    public static class Cold {
        JwtAuthenticator authenticator;

        @Setup(Level.Invocation)
        public void freshCache(JwtBenchmark bench) {
            authenticator = new JwtAuthenticator(bench.policy, bench.keys, () -> { });
        }
    }

    /** A token never seen: parse, RS256 signature, claims, principal (then cached, in a cache thrown away). */
    @Benchmark
    public Authentication coldRs256(Cold cold) {
        Authentication authentication = cold.authenticator.authenticate(coldHeader, 7, coldHeader.length(),
                System.currentTimeMillis());
        if (authentication.principal() == null) {
            throw new IllegalStateException(authentication.detail());
        }
        return authentication;
    }
}
