package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tests' authorization server ({@link AuthServer}) does what the JWT tests rely on: its metadata names where its
 * keys and token endpoint are, its tokens carry the audience asked for and verify against the keys it publishes,
 * rotation adds a key without dropping the old one, and a restart keeps the keys.
 */
class AuthServerIT {

    private static final String RESOURCE = "http://127.0.0.1:1234/mcp";

    private static AuthServer server;

    @BeforeAll
    static void start() {
        server = AuthServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void metadataNamesTheIssuerItsKeysAndItsTokenEndpoint() throws Exception {
        for (String wellKnown : List.of("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(server.issuer() + wellKnown)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(wellKnown).isEqualTo(200);
            Map<String, Object> metadata = AuthServer.json(response.body());
            assertThat(metadata).as(wellKnown)
                    .containsEntry("issuer", "http://127.0.0.1:" + server.port())
                    .containsEntry("jwks_uri", server.jwksUri())
                    .containsEntry("token_endpoint", server.tokenEndpoint());
            assertThat(metadata.get("grant_types_supported")).as(wellKnown).asInstanceOf(InstanceOfAssertFactories.LIST).contains("client_credentials");
        }
        assertThat(server.metadataUri()).isEqualTo(server.issuer() + "/.well-known/oauth-authorization-server");
    }

    @Test
    void aTokenForAResourceHasItAsAudienceAndVerifiesAgainstThePublishedKeys() throws Exception {
        SignedJWT token = SignedJWT.parse(server.token(AuthServer.CLIENT, AuthServer.SECRET, "mcp:read mcp:tools", RESOURCE));

        assertThat(token.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(token.getHeader().getKeyID()).isNotBlank();
        assertThat(verifies(token, server.jwks())).isTrue();
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(server.issuer());
        assertThat(claims.getAudience()).containsExactly(RESOURCE);
        assertThat(claims.getSubject()).isEqualTo(AuthServer.CLIENT);
        assertThat(claims.getStringClaim("client_id")).isEqualTo(AuthServer.CLIENT);
        assertThat(claims.getStringListClaim("scope")).containsExactlyInAnyOrder("mcp:read", "mcp:tools");
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(300_000L);
    }

    @Test
    void withoutAResourceTheAudienceIsTheClientAndTheScopesAreTheClientsOwn() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(server.token(AuthServer.OTHER_CLIENT, AuthServer.OTHER_SECRET, "other", null)).getJWTClaimsSet();

        assertThat(claims.getAudience()).containsExactly(AuthServer.OTHER_CLIENT);
        assertThat(claims.getSubject()).isEqualTo(AuthServer.OTHER_CLIENT);
        assertThat(claims.getStringListClaim("scope")).containsExactly("other");
        assertThat(server.tokenResponse(AuthServer.OTHER_CLIENT, AuthServer.OTHER_SECRET, "mcp:read", null).body()).contains("invalid_scope");
    }

    @Test
    void aWrongSecretIsRefused() {
        HttpResponse<String> response = server.tokenResponse(AuthServer.CLIENT, "wrong-secret", "mcp:read", RESOURCE);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("invalid_client");
    }

    @Test
    void aResourceThatIsNotAnAbsoluteUriIsRefused() {
        HttpResponse<String> response = server.tokenResponse(AuthServer.CLIENT, AuthServer.SECRET, "mcp:read", "/mcp");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_target");
    }

    @Test
    void rotationSignsWithANewKeyAndKeepsTheOldOnePublished() throws Exception {
        SignedJWT before = SignedJWT.parse(server.token(AuthServer.CLIENT, AuthServer.SECRET, "mcp:read", RESOURCE));

        String kid = server.rotate();

        assertThat(kid).isNotEqualTo(before.getHeader().getKeyID());
        JWKSet published = server.jwks();
        assertThat(published.getKeys()).extracting(JWK::getKeyID).startsWith(kid).contains(before.getHeader().getKeyID());
        assertThat(published.getKeys()).allMatch(key -> !key.isPrivate());
        SignedJWT after = SignedJWT.parse(server.token(AuthServer.CLIENT, AuthServer.SECRET, "mcp:read", RESOURCE));
        assertThat(after.getHeader().getKeyID()).isEqualTo(kid);
        assertThat(verifies(after, published)).isTrue();
        assertThat(verifies(before, published)).as("a token signed before the rotation").isTrue();
    }

    @Test
    void aRestartKeepsThePortAndTheKeys() throws Exception {
        server.rotate(); // two keys, so that their order is kept too
        String issuer = server.issuer();
        JWKSet before = server.jwks();

        server.restart();

        assertThat(server.issuer()).isEqualTo(issuer);
        assertThat(server.jwks().toJSONObject()).isEqualTo(before.toJSONObject());
        SignedJWT token = SignedJWT.parse(server.token(AuthServer.CLIENT, AuthServer.SECRET, "mcp:read", RESOURCE));
        assertThat(token.getHeader().getKeyID()).isEqualTo(before.getKeys().get(0).getKeyID());
        assertThat(verifies(token, before)).isTrue();
    }

    /** Verified with the published key its {@code kid} names; false when there is none. */
    private static boolean verifies(SignedJWT token, JWKSet keys) throws JOSEException, ParseException {
        JWK key = keys.getKeyByKeyId(token.getHeader().getKeyID());
        return key != null && token.verify(new RSASSAVerifier(key.toRSAKey()));
    }
}
