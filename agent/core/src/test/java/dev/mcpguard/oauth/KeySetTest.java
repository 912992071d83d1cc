package dev.mcpguard.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import java.text.ParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeySetTest {

    @Test
    void onlyPublicSigningKeysAreKept() throws Exception {
        OctetSequenceKey secret = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
        String jwks = new JWKSet(List.of(Tokens.RSA, Tokens.ec("enc-key").toPublicJWK().toECKey(), secret))
                .toString(false)
                .replace("\"kid\":\"enc-key\"", "\"kid\":\"enc-key\",\"use\":\"" + KeyUse.ENCRYPTION.identifier() + "\"");

        KeySet keys = KeySet.parse(jwks);

        assertThat(jwks).contains("\"d\":").contains("\"k\":");
        assertThat(keys.kids()).containsExactly("r1");
        assertThat(keys.keys().get(0).jwk.isPrivate()).isFalse();
    }

    @Test
    void theSameKeysAreTheSameSet() {
        assertThat(Tokens.keySet(Tokens.RSA, Tokens.EC).sameKeys(Tokens.keySet(Tokens.RSA, Tokens.EC))).isTrue();
        assertThat(Tokens.keySet(Tokens.RSA).sameKeys(Tokens.keySet(Tokens.RSA, Tokens.EC))).isFalse();
        assertThat(KeySet.EMPTY.sameKeys(Tokens.keySet())).isTrue();
    }

    @Test
    void notAKeySetIsAParseError() {
        assertThatThrownBy(() -> KeySet.parse("{\"keys\":{}}")).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> KeySet.parse("[]")).isInstanceOf(ParseException.class);
    }
}
