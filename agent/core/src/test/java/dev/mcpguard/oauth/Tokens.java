package dev.mcpguard.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

/** Keys and tokens made with nimbus (and the JDK for Ed25519), as an authorization server makes them. */
final class Tokens {
    static final String ISSUER = "https://as.example.com/tenant";
    static final String AUDIENCE = "https://mcp.example.com/mcp";
    static final long NOW = 1_800_000_000_000L;

    static final RSAKey RSA = rsa("r1");
    static final ECKey EC = ec("e1");
    static final Ed25519 ED = new Ed25519("d1");

    private Tokens() {
    }

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The keys' public JWKS, as an issuer serves it. */
    static String jwks(JWK... keys) {
        return new JWKSet(Arrays.asList(keys)).toString(true);
    }

    static KeySet keySet(JWK... keys) {
        try {
            return KeySet.parse(jwks(keys));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims that pass: our issuer and audience, valid from a minute before {@link #NOW} to an hour after. */
    static JWTClaimsSet.Builder claims() {
        return claimsAt(NOW);
    }

    static JWTClaimsSet.Builder claimsAt(long now) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("alice")
                .expirationTime(new Date(now + 3_600_000)).notBeforeTime(new Date(now - 60_000))
                .issueTime(new Date(now - 60_000)).claim("scope", "mcp:read mcp:tools");
    }

    static String rs256(JWTClaimsSet.Builder claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA.getKeyID()), claims, RSA);
    }

    static String sign(JWSHeader.Builder header, JWTClaimsSet.Builder claims, JWK key) {
        try {
            JWSSigner signer = key instanceof RSAKey ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key);
            SignedJWT jwt = new SignedJWT(header.build(), claims.build());
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key pair from the JDK: nimbus signs EdDSA only with Tink, which the agent does not ship. */
    static final class Ed25519 {
        final KeyPair pair;
        final OctetKeyPair jwk;

        Ed25519(String kid) {
            try {
                pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            byte[] spki = pair.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
            jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).build();
        }

        String sign(JWSHeader.Builder header, JWTClaimsSet.Builder claims) {
            Base64URL headerPart = header.build().toBase64URL();
            Base64URL payloadPart = Base64URL.encode(claims.build().toString());
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(pair.getPrivate());
                signature.update((headerPart + "." + payloadPart).getBytes(StandardCharsets.US_ASCII));
                return headerPart + "." + payloadPart + "." + Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static List<String> parts(String token) {
        return Arrays.asList(token.split("\\."));
    }
}
