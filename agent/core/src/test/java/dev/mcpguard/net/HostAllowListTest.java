package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Design §4 "Hosts" and the {@code MCPGUARD_ALLOWED_HOSTS} knob. */
class HostAllowListTest {

    @ParameterizedTest(name = "{0} loopback listener={1} -> {2}")
    @CsvSource(textBlock = """
            localhost,                  true,  true
            localhost:8080,             true,  true
            LOCALHOST:8080,             true,  true
            localhost:,                 true,  true
            127.0.0.1,                  true,  true
            127.0.0.1:3000,             true,  true
            [::1],                      true,  true
            [::1]:8080,                 true,  true
            [0:0:0:0:0:0:0:1]:8080,     true,  true
            evil.example,               true,  false
            evil.example:8080,          true,  false
            localhost.evil.example,     true,  false
            127.0.0.1.nip.io,           true,  false
            127.0.0.2,                  true,  false
            [::2],                      true,  false
            ::1,                        true,  false
            localhost:99999,            true,  false
            evil.example:abc,           true,  false
            [::1,                       true,  false
            '',                         true,  false
            evil.example,               false, true
            evil.example:8080,          false, true
            10.0.0.5,                   false, true
            [2001:db8::1]:443,          false, true
            localhost,                  false, true
            evil.example:abc,           false, false
            [::1,                       false, false
            '',                         false, true
            user@evil.example,          false, false
            evil.example/x,             false, false
            [::1/6499999255],           false, false
            [::1/64],                   true,  false
            [::1-2],                    false, false
            [*],                        false, false
            [::1%eth0],                 true,  false
            [::1]x,                     false, false
            """)
    void defaultDependsOnTheListener(String host, boolean loopbackListener, boolean allowed) {
        HostAllowList hosts = HostAllowList.loopbackDefault();

        assertThat(hosts.isDefault()).isTrue();
        assertThat(hosts.allows(host, loopbackListener)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            mcp.example.com,          true
            mcp.example.com:1234,     true
            MCP.Example.COM:443,      true
            api.example.com:8443,     true
            API.EXAMPLE.COM:8443,     true
            api.example.com,          false
            api.example.com:443,      false
            [::1],                    true
            [::1]:5,                  true
            [0:0::1]:5,               true
            [fe80::1]:9000,           true
            [FE80:0::1]:9000,         true
            [fe80::1]:9001,           false
            [fe80::1],                false
            10.0.0.5,                 true
            10.0.0.5:80,              true
            10.0.0.6,                 false
            localhost,                false
            127.0.0.1,                false
            evil.example,             false
            mcp.example.com.evil,     false
            evil.example:abc,         false
            '',                       false
            """)
    void configuredListReplacesTheDefaultWhateverTheListener(String host, boolean allowed) {
        HostAllowList hosts = HostAllowList.of(
                List.of("mcp.example.com", "API.example.com:8443", "::1", "[fe80::1]:9000", "10.0.0.5"));

        assertThat(hosts.isDefault()).isFalse();
        assertThat(hosts.allows(host, true)).isEqualTo(allowed);
        assertThat(hosts.allows(host, false)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"evil.example", "evil.example:8080", "[::1]", "127.0.0.1.nip.io"})
    void anyAllowsEveryHost(String host) {
        assertThat(HostAllowList.any().isAny()).isTrue();
        assertThat(HostAllowList.any().allows(host, true)).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"evil.example:abc", "[::1", "", "[zz]", "[zz]:80", "a b", "host:99999", "a:b:c", ":80",
        "user@host", "host/path"})
    void rejectsMalformedEntries(String entry) {
        assertThatIllegalArgumentException().isThrownBy(() -> HostAllowList.of(List.of("ok.example", entry)))
                .withMessage(entry);
    }
}
