package dev.mcpguard.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.FakeRequest;
import dev.mcpguard.core.Reason;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.core.Verdict;
import dev.mcpguard.testing.TestGuard;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** JWT validation as the installer builds it from the knobs, behind the AUTH gate. */
class JwtGuardTest {
    private static final Map<String, String> KNOBS = Map.of("MCPGUARD_JWT_ISSUER", Tokens.ISSUER,
            "MCPGUARD_RESOURCE", Tokens.AUDIENCE, "MCPGUARD_REQUIRED_SCOPES", "mcp:tools");

    private final RecordingSink sink = new RecordingSink();

    /** The guard judges by the system clock. */
    private static com.nimbusds.jwt.JWTClaimsSet.Builder now() {
        return Tokens.claimsAt(System.currentTimeMillis());
    }

    private Verdict check(String token) {
        SigningKeys keys = new SigningKeys();
        keys.replace(Tokens.keySet(Tokens.RSA));
        JwtPolicy policy = Config.load(new KnobSource(KNOBS, new Properties())).jwt();
        TestGuard guard = TestGuard.builder().sink(sink).jwt(new JwtAuthenticator(policy, keys, new Runnable() {
            @Override
            public void run() {
            }
        }));
        KNOBS.forEach(guard::knob);
        return guard.build().check(FakeRequest.builder().method("POST").target("/mcp").peer("127.0.0.1")
                .header("Authorization", "Bearer " + token).build(), "test");
    }

    @Test
    void aValidTokenNamesThePrincipal() {
        Verdict verdict = check(Tokens.rs256(now()));

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.principal().name()).isEqualTo("alice");
    }

    @Test
    void aRefusedTokenIsInvalidTokenWithItsDetail() {
        Verdict verdict = check(Tokens.rs256(now().audience("https://elsewhere.example/mcp")));

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.INVALID_TOKEN);
        assertThat(verdict.detail()).isEqualTo("audience");
    }

    @Test
    void theTokensScopesMeetTheRequiredOnes() {
        Verdict verdict = check(Tokens.rs256(now().claim("scope", "mcp:read")));

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.INSUFFICIENT_SCOPE);
    }
}
