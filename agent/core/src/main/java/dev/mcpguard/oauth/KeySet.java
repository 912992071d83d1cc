package dev.mcpguard.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The public signing keys of one JWKS, each with its verifier, built once when the set is read so
 * that a request only looks a key up. Private parts are dropped on the way in, and so are keys
 * that cannot verify a JWS: encryption keys ({@code use: enc}), shared secrets ({@code oct}, which
 * would let anyone who reads the set sign) and curves the JDK cannot verify. Immutable.
 */
public final class KeySet {
    /** As an empty JWKS reads, written out: loading JOSE classes here would cost every start. */
    public static final KeySet EMPTY = new KeySet(List.of(), "{\"keys\":[]}");

    /** One signing key. */
    static final class Key {
        final String kid;
        final JWK jwk;
        final JWSVerifier verifier;

        Key(JWK jwk, JWSVerifier verifier) {
            this.kid = jwk.getKeyID();
            this.jwk = jwk;
            this.verifier = verifier;
        }

        /** Whether this key signs with {@code alg}: its type and curve fit, and its own {@code alg}, if any, is it. */
        boolean fits(JWSAlgorithm alg) {
            return verifier.supportedJWSAlgorithms().contains(alg)
                    && (jwk.getAlgorithm() == null || jwk.getAlgorithm().equals(alg));
        }
    }

    private final List<Key> keys;
    /** The public keys as JSON: what tells one fetched set from the next. */
    private final String canonical;

    private KeySet(List<Key> keys, String canonical) {
        this.keys = keys;
        this.canonical = canonical;
    }

    /**
     * @throws ParseException when the text is not a JWK set (RFC 7517 §5)
     */
    public static KeySet parse(String json) throws ParseException {
        List<Key> keys = new ArrayList<>();
        List<JWK> kept = new ArrayList<>();
        for (JWK jwk : JWKSet.parse(json).getKeys()) {
            JWK publicJwk = jwk.toPublicJWK();
            JWSVerifier verifier = publicJwk == null || KeyUse.ENCRYPTION.equals(jwk.getKeyUse()) ? null
                    : verifier(publicJwk);
            if (verifier != null) {
                keys.add(new Key(publicJwk, verifier));
                kept.add(publicJwk);
            }
        }
        return new KeySet(Collections.unmodifiableList(keys), new JWKSet(kept).toString());
    }

    private static JWSVerifier verifier(JWK key) {
        try {
            if (KeyType.RSA.equals(key.getKeyType())) {
                return new RSASSAVerifier(key.toRSAKey());
            }
            if (KeyType.EC.equals(key.getKeyType())) {
                return new ECDSAVerifier(key.toECKey());
            }
            if (KeyType.OKP.equals(key.getKeyType()) && Curve.Ed25519.equals(((OctetKeyPair) key).getCurve())) {
                return new Ed25519Verifier(((OctetKeyPair) key).getDecodedX());
            }
        } catch (JOSEException e) {
            // a curve the JDK has no implementation of: as useless to us as an unknown key type
            return null;
        }
        return null;
    }

    List<Key> keys() {
        return keys;
    }

    public int size() {
        return keys.size();
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The keys' {@code kid}s, for the log ({@code -} for a key without one). */
    public List<String> kids() {
        List<String> kids = new ArrayList<>(keys.size());
        for (Key key : keys) {
            kids.add(key.kid == null ? "-" : key.kid);
        }
        return kids;
    }

    /** Whether both hold the same public keys in the same order. */
    public boolean sameKeys(KeySet other) {
        return canonical.equals(other.canonical);
    }
}
