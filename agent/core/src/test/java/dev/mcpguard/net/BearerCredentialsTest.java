package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Design §4 "Bearer": scheme any case, one or more spaces, an RFC 6750 b64token. */
class BearerCredentialsTest {

    /** The token the value presents, or NONE / MALFORMED. */
    private static String parse(String value) {
        int start = BearerCredentials.tokenStart(value);
        if (start == BearerCredentials.NONE) {
            return "NONE";
        }
        if (start == BearerCredentials.MALFORMED) {
            return "MALFORMED";
        }
        return value.substring(start, BearerCredentials.trimmedEnd(value));
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Bearer abc                 | abc
            bearer  abc                | abc
            BEARER abc==               | abc==
            BeArEr x                   | x
            Bearer a.b-c_d~e+f/g=      | a.b-c_d~e+f/g=
            Bearer 0123456789          | 0123456789
            'Bearer abc  '             | abc
            'Bearer abc\t'             | abc
            '  Bearer abc'             | abc
            Bearer                     | MALFORMED
            'Bearer '                  | MALFORMED
            'Bearer    '               | MALFORMED
            Bearerabc                  | MALFORMED
            Bearer=abc                 | MALFORMED
            Bearer a b                 | MALFORMED
            Bearer a=b                 | MALFORMED
            Bearer =abc                | MALFORMED
            Bearer ==                  | MALFORMED
            Bearer a,b                 | MALFORMED
            Bearer a;b                 | MALFORMED
            Bearer a"b                 | MALFORMED
            Bearer é                   | MALFORMED
            'Bearer\tabc'              | MALFORMED
            'Bearer \tabc'             | MALFORMED
            Basic abc                  | NONE
            Digest username=x          | NONE
            Bea                        | NONE
            ''                         | NONE
            '   '                      | NONE
            """)
    void parsesCredentials(String value, String expected) {
        assertThat(parse(value)).isEqualTo(expected);
    }

    @Test
    void nullIsNoCredential() {
        assertThat(BearerCredentials.tokenStart(null)).isEqualTo(BearerCredentials.NONE);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            abc           | true
            a.b-c_d~e+f/g | true
            abc==         | true
            A1            | true
            ''            | false
            =             | false
            =abc          | false
            a=b           | false
            a b           | false
            a,b           | false
            a:b           | false
            """)
    void recognizesB64Tokens(String text, boolean token) {
        assertThat(BearerCredentials.isToken(text, 0, text.length())).isEqualTo(token);
    }
}
