package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The query scan for {@code access_token}: every spelling a server decodes, in one pass. */
class AuthGateQueryTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            access_token=x             | true
            a=1&access_token=x         | true
            ACCESS_TOKEN=x             | true
            access%5Ftoken=x           | true
            %61ccess_token=x           | true
            access_token               | true
            a=1&access_token           | true
            access_token=              | true
            a=access_token             | false
            access_tokens=x            | false
            xaccess_token=x            | false
            access+token=x             | false
            a=1&&b=2                   | false
            ''                         | false
            """)
    void findsTheParameterName(String query, boolean found) {
        assertThat(AuthGate.hasQueryToken(query)).isEqualTo(found);
    }

    @Test
    void hostileShapesAreScannedOnce() {
        // A million separators with no '=' made the old scan look for '=' to the end each time.
        assertThat(AuthGate.hasQueryToken("&".repeat(1_000_000) + "access_token=x")).isTrue();
        assertThat(AuthGate.hasQueryToken("&".repeat(1_000_000))).isFalse();
        assertThat(AuthGate.hasQueryToken("=".repeat(1_000_000))).isFalse();
        assertThat(AuthGate.hasQueryToken("a".repeat(1_000_000) + "&access_token")).isTrue();
    }
}
