package dev.mcpguard.oauth;

import static dev.mcpguard.oauth.Tokens.AUDIENCE;
import static dev.mcpguard.oauth.Tokens.EC;
import static dev.mcpguard.oauth.Tokens.ED;
import static dev.mcpguard.oauth.Tokens.NOW;
import static dev.mcpguard.oauth.Tokens.RSA;
import static dev.mcpguard.oauth.Tokens.claims;
import static dev.mcpguard.oauth.Tokens.rs256;
import static dev.mcpguard.oauth.Tokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mcpguard.core.Authentication;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JwtAuthenticatorTest {
    private static final long LEEWAY = 60_000;
    private static final JwtPolicy POLICY = new JwtPolicy(Tokens.ISSUER, List.of(AUDIENCE, "urn:other"),
            List.of("RS256", "PS256", "ES256", "EdDSA"), LEEWAY, "https://as.example.com/jwks", null);

    private final SigningKeys keys = new SigningKeys();
    private final AtomicInteger cues = new AtomicInteger();
    private JwtAuthenticator jwt = authenticator(JwtAuthenticator.MAX_CACHED);

    private JwtAuthenticator authenticator(int maxCached) {
        return new JwtAuthenticator(POLICY, keys, new Runnable() {
            @Override
            public void run() {
                cues.incrementAndGet();
            }
        }, maxCached);
    }

    @BeforeEach
    void keys() {
        keys.replace(Tokens.keySet(RSA, EC, ED.jwk));
    }

    private Authentication judge(String token) {
        return judge(token, NOW);
    }

    private Authentication judge(String token, long now) {
        String header = "Bearer " + token;
        return jwt.authenticate(header, 7, header.length(), now);
    }

    @Test
    void anRs256TokenNamesItsSubjectWithItsScopesUntilItExpires() {
        Authentication authentication = judge(rs256(claims()));

        assertThat(authentication.principal().name()).isEqualTo("alice");
        assertThat(authentication.principal().scopes()).containsExactly("mcp:read", "mcp:tools");
        assertThat(authentication.principal().expiresAtMillis()).isEqualTo(NOW + 3_600_000);
    }

    @Test
    void anEs256TokenWithoutKidIsCheckedWithTheKeysOfItsType() {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.ES256), claims(), EC);

        assertThat(judge(token).principal().name()).isEqualTo("alice");
        assertThat(jwt.verifications()).as("the RSA and Ed25519 keys are not tried").isEqualTo(1);
    }

    @Test
    void anEdDsaTokenIsVerifiedByTheJdk() {
        assertThat(judge(ED.sign(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("d1"), claims())).principal())
                .isNotNull();
        assertThat(judge(ED.sign(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("d1"), claims().subject("bob"))
                .replace(".ey", ".ez")).detail()).isIn("signature", "malformed");
    }

    @Test
    void anExpiredTokenIsRefusedOnceTheLeewayIsOver() {
        String token = rs256(claims().expirationTime(new Date(NOW - 30_000)));

        assertThat(judge(token).principal()).as("within the leeway").isNotNull();
        assertThat(judge(rs256(claims().expirationTime(new Date(NOW - LEEWAY)))))
                .isSameAs(Authentication.EXPIRED);
    }

    @Test
    void aTokenNotYetValidBeyondTheLeewayIsRefused() {
        assertThat(judge(rs256(claims().notBeforeTime(new Date(NOW + 30_000)))).principal()).isNotNull();
        assertThat(judge(rs256(claims().notBeforeTime(new Date(NOW + LEEWAY + 1000)))))
                .isSameAs(Authentication.NOT_YET_VALID);
    }

    @Test
    void anotherKeysSignatureIsRefused() {
        RSAKey impostor = Tokens.rsa(RSA.getKeyID());
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()), claims(), impostor);

        assertThat(judge(token)).isSameAs(Authentication.SIGNATURE);
    }

    @Test
    void aTamperedPayloadIsRefused() {
        List<String> parts = Tokens.parts(rs256(claims().subject("alice")));
        String forged = Base64URL.encode(claims().subject("admin").build().toString()).toString();

        assertThat(judge(parts.get(0) + "." + forged + "." + parts.get(2))).isSameAs(Authentication.SIGNATURE);
    }

    @Test
    void theIssuerMustBeExact() {
        assertThat(judge(rs256(claims().issuer(Tokens.ISSUER + "/")))).isSameAs(Authentication.ISSUER);
        assertThat(judge(rs256(claims().issuer(null)))).isSameAs(Authentication.ISSUER);
    }

    @Test
    void theAudienceMustNameUs() {
        assertThat(judge(rs256(claims().audience("https://other.example/mcp")))).isSameAs(Authentication.AUDIENCE);
        assertThat(judge(rs256(claims().audience((String) null)))).isSameAs(Authentication.AUDIENCE);
        assertThat(judge(rs256(claims().audience(List.of("https://other.example", "urn:other")))).principal())
                .isNotNull();
    }

    @Test
    void anUnknownKidIsRefusedAndCuesARefresh() {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rotated"), claims(), Tokens.rsa("rotated"));

        assertThat(judge(token)).isSameAs(Authentication.UNKNOWN_KEY);
        assertThat(cues).hasValue(1);
        assertThat(jwt.verifications()).isZero();
    }

    @Test
    void withNoKeysEveryTokenIsRefused() {
        keys.replace(KeySet.EMPTY);

        assertThat(judge(rs256(claims()))).isSameAs(Authentication.UNKNOWN_KEY);
    }

    @Test
    void algNoneIsRefusedWithOrWithoutASignaturePart() {
        String unsigned = new PlainJWT(claims().build()).serialize();

        assertThat(judge(unsigned)).isSameAs(Authentication.ALGORITHM);
        assertThat(judge(unsigned + Tokens.parts(rs256(claims())).get(2))).isSameAs(Authentication.ALGORITHM);
    }

    @Test
    void hs256KeyedWithThePublicKeyIsRefused() throws JOSEException {
        // The classic confusion: a verifier that takes alg from the token would check this HMAC
        // with the RSA public key's bytes, which anybody has.
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(RSA.getKeyID()).build(),
                claims().subject("admin").build());
        forged.sign(new MACSigner(RSA.toPublicKey().getEncoded()));

        assertThat(judge(forged.serialize())).isSameAs(Authentication.ALGORITHM);
        assertThat(jwt.verifications()).isZero();
    }

    @Test
    void anAlgorithmOffTheListIsRefused() {
        String rs384 = sign(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(RSA.getKeyID()), claims(), RSA);

        assertThat(judge(rs384)).isSameAs(Authentication.ALGORITHM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"JWT", "at+jwt", "application/at+jwt", "AT+JWT"})
    void accessTokenTypesPass(String type) {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("r1").type(new JOSEObjectType(type)),
                claims(), RSA);

        assertThat(judge(token).principal()).isNotNull();
    }

    @Test
    void anotherTypeIsRefused() {
        String idToken = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("r1")
                .type(new JOSEObjectType("dpop+jwt")), claims(), RSA);

        assertThat(judge(idToken)).isSameAs(Authentication.MALFORMED);
    }

    @Test
    void aCriticalHeaderIsRefused() {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("r1").criticalParams(Set.of("b64x"))
                .customParam("b64x", true), claims(), RSA);

        assertThat(judge(token)).isSameAs(Authentication.MALFORMED);
    }

    @Test
    void scopesComeFromScopeOrScpAsAStringOrAnArray() {
        assertThat(scopes(claims().claim("scope", List.of("a", "b")))).containsExactly("a", "b");
        assertThat(scopes(claims().claim("scope", null).claim("scp", "c d"))).containsExactly("c", "d");
        assertThat(scopes(claims().claim("scope", null).claim("scp", List.of("e")))).containsExactly("e");
        assertThat(scopes(claims().claim("scope", null))).isEmpty();
        assertThat(judge(rs256(claims().claim("scope", 7)))).isSameAs(Authentication.MALFORMED);
    }

    private List<String> scopes(JWTClaimsSet.Builder claims) {
        return judge(rs256(claims)).principal().scopes();
    }

    @Test
    void theNameIsSubElseClientId() {
        assertThat(judge(rs256(claims().subject(null).claim("client_id", "svc"))).principal().name()).isEqualTo("svc");
        assertThat(judge(rs256(claims().subject(null)))).isSameAs(Authentication.MALFORMED);
    }

    @Test
    void aTokenWithoutExpiryIsMalformed() {
        assertThat(judge(rs256(claims().expirationTime(null)))).isSameAs(Authentication.MALFORMED);
    }

    @Test
    void garbageIsMalformed() {
        assertThat(judge("abc.def.ghi")).isSameAs(Authentication.MALFORMED);
        List<String> parts = Tokens.parts(rs256(claims()));
        assertThat(judge(parts.get(0) + ".bm90IGpzb24." + parts.get(2))).isIn(Authentication.SIGNATURE,
                Authentication.MALFORMED);
    }

    @Test
    void aCachedTokenIsNotVerifiedAgain() {
        String token = rs256(claims());

        Authentication first = judge(token);
        Authentication second = judge(token, NOW + 1000);

        assertThat(second).isSameAs(first);
        assertThat(jwt.verifications()).isEqualTo(1);
    }

    @Test
    void aCachedTokenExpiresWithTheLeeway() {
        String token = rs256(claims());
        judge(token);

        assertThat(judge(token, NOW + 3_600_000 + LEEWAY - 1).principal()).isNotNull();
        assertThat(judge(token, NOW + 3_600_000 + LEEWAY)).isSameAs(Authentication.EXPIRED);
        assertThat(jwt.verifications()).isEqualTo(1);
    }

    @Test
    void refusalsAreNotCached() {
        String token = rs256(claims().audience("https://other.example"));
        judge(token);
        judge(token);

        assertThat(jwt.verifications()).isEqualTo(2);
        assertThat(jwt.cached()).isZero();
    }

    @Test
    void theCacheStartsAfreshWhenTheKeysChange() {
        String token = rs256(claims());
        judge(token);

        keys.replace(Tokens.keySet(RSA));
        assertThat(judge(token).principal()).isNotNull();
        assertThat(jwt.verifications()).isEqualTo(2);

        keys.replace(Tokens.keySet(EC));
        assertThat(judge(token)).as("a key removed: its tokens with it").isSameAs(Authentication.UNKNOWN_KEY);
    }

    @Test
    void theCacheIsBoundedDroppingExpiredTokensFirst() {
        jwt = authenticator(8);
        List<String> shortLived = List.of(rs256(claims().subject("s1").expirationTime(new Date(NOW + 1000))),
                rs256(claims().subject("s2").expirationTime(new Date(NOW + 1000))));
        for (String token : shortLived) {
            judge(token);
        }
        for (int i = 0; i < 6; i++) {
            judge(rs256(claims().subject("long" + i)));
        }
        assertThat(jwt.cached()).isEqualTo(8);

        String newcomer = rs256(claims().subject("newcomer"));
        judge(newcomer, NOW + 1000 + LEEWAY);

        assertThat(jwt.cached()).as("the two expired ones made room").isEqualTo(7);
        long verified = jwt.verifications();
        judge(newcomer, NOW + 1000 + LEEWAY);
        assertThat(jwt.verifications()).isEqualTo(verified);

        for (int i = 0; i < 20; i++) {
            judge(rs256(claims().subject("flood" + i)));
        }
        assertThat(jwt.cached()).isLessThanOrEqualTo(8);
    }
}
