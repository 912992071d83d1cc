package dev.mcpguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.oauth.JwtPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The §9 JWT knobs: what turns JWT validation on, what it needs, and what is never accepted. */
class JwtKnobsTest {
    private static final String ISSUER = "https://as.example.com/realms/mcp";
    private static final String JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"e1\","
            + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";

    @TempDir
    Path dir;

    private final Map<String, String> env = new HashMap<>(Map.of("MCPGUARD_JWT_ISSUER", ISSUER,
            "MCPGUARD_RESOURCE", "https://mcp.example.com/mcp"));

    private Config load() {
        return Config.load(new KnobSource(env, new Properties()));
    }

    @Test
    void theIssuerTurnsJwtValidationOnWithTheDefaults() {
        JwtPolicy jwt = load().jwt();

        assertThat(jwt.issuer()).isEqualTo(ISSUER);
        assertThat(jwt.audiences()).containsExactly("https://mcp.example.com/mcp");
        assertThat(jwt.algorithms()).containsExactly("RS256", "PS256", "ES256", "EdDSA");
        assertThat(jwt.leewayMillis()).isEqualTo(60_000);
        assertThat(jwt.jwksUrl()).isNull();
        assertThat(jwt.jwksFile()).isNull();
    }

    @Test
    void jwtValidationIsACredentialSourceAndTheSummarySaysHowJwtsAreJudged() {
        env.put("MCPGUARD_JWT_AUDIENCE", "api://mcp, urn:mcp");
        env.put("MCPGUARD_JWT_LEEWAY", "2m");
        Config config = load();

        assertThat(config.authFailsClosed()).isFalse();
        assertThat(config.summary()).contains("jwt: issuer=" + ISSUER + ", audiences=api://mcp,urn:mcp, keys from the "
                + "jwks_uri of " + ISSUER + "'s metadata, algorithms=RS256,PS256,ES256,EdDSA, leeway=2m");
        assertThat(config.summary().get(1)).startsWith("auth: JWTs only");
        assertThat(Config.FAIL_CLOSED_WARNING).contains("MCPGUARD_JWT_ISSUER");
    }

    @Test
    void withoutAnyAudienceJwtValidationIsRefused() {
        env.remove("MCPGUARD_RESOURCE");

        assertThatThrownBy(this::load).hasMessage("mcpguard: invalid MCPGUARD_JWT_ISSUER=\"" + ISSUER + "\": expected "
                + "an audience too, MCPGUARD_JWT_AUDIENCE or MCPGUARD_RESOURCE: a token must be issued for this server");
    }

    @Test
    void noneAndHmacAreNeverAccepted() {
        env.put("MCPGUARD_JWT_ALGORITHMS", "RS256,none");
        assertThatThrownBy(this::load).hasMessageContaining("(none is never accepted: an unsigned token proves nothing)");
        env.put("MCPGUARD_JWT_ALGORITHMS", "HS256");
        assertThatThrownBy(this::load).hasMessageContaining("(HS256 is never accepted: a shared-secret algorithm");
        env.put("MCPGUARD_JWT_ALGORITHMS", "RS1");
        assertThatThrownBy(this::load).hasMessageContaining("among RS256, RS384");
    }

    @Test
    void aJwksFileMustBeAKeySetAtStartAndExcludesAUrl() throws IOException {
        Path file = dir.resolve("jwks.json");
        env.put("MCPGUARD_JWKS_FILE", file.toString());
        assertThatThrownBy(this::load).hasMessageContaining("a readable JWK set file");
        Files.writeString(file, "{\"keys\":[{\"kty\":");
        assertThatThrownBy(this::load).hasMessageContaining("a readable JWK set file");
        Files.writeString(file, JWKS);
        assertThat(load().jwt().jwksFile()).isEqualTo(file);

        env.put("MCPGUARD_JWKS_URL", "https://as.example.com/jwks");
        assertThatThrownBy(this::load).hasMessageEndingWith("expected one source of keys: MCPGUARD_JWKS_FILE or "
                + "MCPGUARD_JWKS_URL, not both");
    }

    @Test
    void keysAreFetchedOverHttpsOrFromLoopbackOnly() {
        env.put("MCPGUARD_JWKS_URL", "http://as.example.com/jwks");
        assertThatThrownBy(this::load).hasMessageStartingWith("mcpguard: invalid MCPGUARD_JWKS_URL=");
        env.put("MCPGUARD_JWKS_URL", "http://127.0.0.1:9000/jwks");
        assertThat(load().jwt().jwksUrl()).isEqualTo("http://127.0.0.1:9000/jwks");
        env.put("MCPGUARD_JWT_ISSUER", "http://as.example.com");
        assertThatThrownBy(this::load).hasMessageStartingWith("mcpguard: invalid MCPGUARD_JWT_ISSUER=");
    }

    @Test
    void aJwksUrlMayHaveAQueryAnIssuerMayNot() {
        env.put("MCPGUARD_JWKS_URL", "https://login.example.com/t/discovery/keys?appid=1234");
        assertThat(load().jwt().jwksUrl()).isEqualTo("https://login.example.com/t/discovery/keys?appid=1234");
        assertThat(Config.isSecureUrl("https://login.example.com/t/discovery/keys?appid=1234")).isTrue();
        env.remove("MCPGUARD_JWKS_URL");
        env.put("MCPGUARD_JWT_ISSUER", "https://as.example.com/t?x=1");
        assertThatThrownBy(this::load).hasMessageStartingWith("mcpguard: invalid MCPGUARD_JWT_ISSUER=");
    }

    @Test
    void aJwtKnobWithoutTheIssuerIsRefused() {
        env.remove("MCPGUARD_JWT_ISSUER");
        env.put("MCPGUARD_JWKS_URL", "https://as.example.com/jwks");

        assertThatThrownBy(this::load).hasMessage("mcpguard: invalid MCPGUARD_JWKS_URL=\"https://as.example.com/jwks\": "
                + "expected MCPGUARD_JWT_ISSUER too, which turns JWT validation on");
    }

    @Test
    void noAuthAndJwtValidationExcludeEachOther() {
        env.put("MCPGUARD_NO_AUTH", "1");

        assertThatThrownBy(this::load).hasMessageContaining("off while a credential knob (MCPGUARD_JWT_ISSUER) is set");
    }

    @Test
    void leewayTakesADurationWithAUnit() {
        for (Map.Entry<String, Long> valid : Map.of("0s", 0L, "250ms", 250L, "90s", 90_000L, "5m", 300_000L,
                "1h", 3_600_000L, "1d", 86_400_000L).entrySet()) {
            env.put("MCPGUARD_JWT_LEEWAY", valid.getKey());
            assertThat(load().jwt().leewayMillis()).isEqualTo(valid.getValue());
        }
        for (String invalid : List.of("60", "-1s", "1.5s", "1 s", "s", "9999999999d")) {
            env.put("MCPGUARD_JWT_LEEWAY", invalid);
            assertThatThrownBy(this::load).hasMessageContaining("a duration");
        }
    }
}
