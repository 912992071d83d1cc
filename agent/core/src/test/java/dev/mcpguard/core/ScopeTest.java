package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.testing.TestGuard;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code MCPGUARD_REQUIRED_SCOPES}: the principal an authenticator names must hold every scope asked for. */
class ScopeTest {
    private static final String SCOPED = "aaa.bbb.ccc";
    private final RecordingSink sink = new RecordingSink();

    /** Accepts one JWS-shaped token, for a principal with {@code mcp:read} only. */
    private static final BearerAuthenticator ONE_READER = new BearerAuthenticator() {
        private final Authentication reader = Authentication.of(new Principal("reader", List.of("mcp:read"),
                Principal.NEVER, null));

        @Override
        public Authentication authenticate(String value, int from, int to, long nowMillis) {
            return value.substring(from, to).equals(SCOPED) ? reader : Authentication.SIGNATURE;
        }
    };

    private Verdict check(String scopes, String token, GateMode mode) {
        TestGuard guard = TestGuard.builder().sink(sink).knob("MCPGUARD_TOKEN", "static-token").jwt(ONE_READER)
                .mode(GateName.AUTH, mode);
        if (scopes != null) {
            guard.knob("MCPGUARD_REQUIRED_SCOPES", scopes);
        }
        return guard.build().check(FakeRequest.builder().method("POST").target("/mcp").peer("127.0.0.1")
                .header("Authorization", "Bearer " + token).build(), "test");
    }

    @Test
    void aPrincipalWithTheScopesPassesAndIsNamed() {
        Verdict verdict = check("mcp:read", SCOPED, GateMode.ENFORCE);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.principal().name()).isEqualTo("reader");
    }

    @Test
    void aMissingScopeIs403InsufficientScope() {
        Verdict verdict = check("mcp:read,mcp:tools", SCOPED, GateMode.ENFORCE);

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.INSUFFICIENT_SCOPE);
        assertThat(verdict.refusal().status()).isEqualTo(403);
        assertThat(verdict.principal().name()).isEqualTo("reader");
    }

    @Test
    void aStaticTokenHasNoScopes() {
        assertThat(check("mcp:read", "static-token", GateMode.ENFORCE).refusal().reason())
                .isEqualTo(Reason.INSUFFICIENT_SCOPE);
        assertThat(check(null, "static-token", GateMode.ENFORCE).allowed()).isTrue();
    }

    @Test
    void aJwsShapedTokenIsJudgedByTheJwtAuthenticatorAlone() {
        Verdict verdict = check(null, "static.token.x", GateMode.ENFORCE);

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.INVALID_TOKEN);
        assertThat(sink.details()).containsExactly("signature");
    }

    @Test
    void logOnlyLogsTheMissingScopeAndLetsThePrincipalThrough() {
        Verdict verdict = check("mcp:tools", SCOPED, GateMode.LOG_ONLY);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.principal().name()).isEqualTo("reader");
        assertThat(sink.lines()).containsExactly("would_block auth/insufficient_scope/403", "allowed");
    }

    @Test
    void jwsShapes() {
        assertThat(AuthGate.isJwsShaped("Bearer a.b.c", 7, 12)).isTrue();
        assertThat(AuthGate.isJwsShaped("a-_9.B.c", 0, 8)).isTrue();
        assertThat(AuthGate.isJwsShaped("a..c", 0, 4)).isFalse();
        assertThat(AuthGate.isJwsShaped("a.b.", 0, 4)).as("an unsecured JWT").isTrue();
        assertThat(AuthGate.isJwsShaped("a..", 0, 3)).isFalse();
        assertThat(AuthGate.isJwsShaped(".b.c", 0, 4)).isFalse();
        assertThat(AuthGate.isJwsShaped("a.b.c.d.e", 0, 9)).isFalse();
        assertThat(AuthGate.isJwsShaped("a.b", 0, 3)).isFalse();
        assertThat(AuthGate.isJwsShaped("a.b=.c", 0, 6)).isFalse();
        assertThat(AuthGate.isJwsShaped("a+b.c.d", 0, 7)).isFalse();
    }
}
