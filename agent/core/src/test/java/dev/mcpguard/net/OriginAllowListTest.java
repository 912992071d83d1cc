package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Design §4 "Origins" and the {@code MCPGUARD_ALLOWED_ORIGINS} knob. */
class OriginAllowListTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            http://localhost,                  true
            https://localhost,                 true
            http://localhost:6274,             true
            https://localhost:8443,            true
            http://127.0.0.1,                  true
            http://127.0.0.1:3000,             true
            http://[::1],                      true
            http://[::1]:8080,                 true
            http://[0:0:0:0:0:0:0:1],          true
            https://[0:0:0:0:0:0:0:1]:443,     true
            HTTP://LOCALHOST,                  true
            Https://LocalHost:1,               true
            http://localhost:65535,            true
            null,                              false
            NULL,                              false
            http://evil.example,               false
            https://evil.example:443,          false
            http://localhost.evil.example,     false
            http://127.0.0.1.nip.io,           false
            http://evil.localhost,             false
            http://127.0.0.2,                  false
            http://[::2],                      false
            http://[::ffff:127.0.0.1],         false
            ftp://localhost,                   false
            ws://localhost,                    false
            file://localhost,                  false
            http://localhost/,                 false
            http://localhost/path,             false
            http://localhost:99999,            false
            http://localhost:65536,            false
            http://localhost:abc,              false
            http://localhost:-1,               false
            http://user@localhost,             false
            http://user:pass@localhost,        false
            http://localhost?x,                false
            http://localhost#x,                false
            http://[::1,                       false
            http://,                           false
            http:/localhost,                   false
            //localhost,                       false
            localhost,                         false
            localhost:8080,                    false
            '',                                false
            """)
    void defaultAllowsLoopbackOriginsOnly(String origin, boolean allowed) {
        OriginAllowList origins = OriginAllowList.loopbackDefault();

        assertThat(origins.isDefault()).isTrue();
        assertThat(origins.allows(origin)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            https://a.example,          true
            https://a.example:443,      true
            HTTPS://A.EXAMPLE,          true
            https://A.Example:443,      true
            http://a.example,           false
            http://a.example:443,       false
            https://a.example:8443,     false
            https://b.a.example,        false
            https://a.example.evil,     false
            http://b.example:8080,      true
            http://b.example,           false
            http://b.example:80,        false
            https://c.example,          true
            https://c.example:443,      true
            http://c.example:8443,      false
            http://[::1]:9000,          true
            http://[0:0::1]:9000,       true
            http://[::1],               false
            http://localhost,           false
            null,                       false
            """)
    void configuredListMatchesSchemeHostAndEffectivePort(String origin, boolean allowed) {
        OriginAllowList origins = OriginAllowList.of(
                List.of("https://a.example", "http://b.example:8080", "HTTPS://C.Example:443", "http://[::1]:9000"));

        assertThat(origins.isDefault()).isFalse();
        assertThat(origins.isAny()).isFalse();
        assertThat(origins.allows(origin)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"http://evil.example", "https://anything.example:8443", "chrome-extension://abcdef",
        "http://localhost"})
    void anyAllowsEveryWellFormedOrigin(String origin) {
        assertThat(OriginAllowList.any().isAny()).isTrue();
        assertThat(OriginAllowList.any().allows(origin)).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"null", "NULL", " null ", "", "evil.example"})
    void nullIsNeverAllowedNotEvenByAny(String origin) {
        assertThat(OriginAllowList.any().allows(origin)).isFalse();
        assertThat(OriginAllowList.loopbackDefault().allows(origin)).isFalse();
    }

    @Test
    void anEmptyListAllowsNoOrigin() {
        assertThat(OriginAllowList.of(List.of()).allows("http://localhost")).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"a.example", "https://a.example/", "https://a.example/path", "https://", "null", "*",
        "https://a.example:99999", "https://a.example:x", "https://[zz]", "https://[::1", "https://user@a.example",
        "://a.example", "1http://a.example", "https:/a.example"})
    void rejectsMalformedEntries(String entry) {
        assertThatIllegalArgumentException().isThrownBy(() -> OriginAllowList.of(List.of("https://ok.example", entry)))
                .withMessage(entry);
    }
}
