package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Design §4 "Loopback peer": 127.0.0.0/8, ::1, their IPv4-mapped forms, and a Unix-domain peer. */
class PeerAddressesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", textBlock = """
            127.0.0.1,               true
            127.255.255.254,         true
            127.1.2.3,               true
            127.0.0.0,               true
            ::1,                     true
            0:0:0:0:0:0:0:1,         true
            [::1],                   true
            ::ffff:127.0.0.1,        true
            ::ffff:7f00:1,           true
            ::FFFF:127.9.9.9,        true
            unix,                    true
            10.0.0.1,                false
            192.168.1.1,             false
            198.18.0.2,              false
            ::ffff:10.0.0.1,         false
            ::ffff:a00:1,            false
            2001:db8::1,             false
            fe80::1,                 false
            ::,                      false
            ::2,                     false
            0.0.0.0,                 false
            128.0.0.1,               false
            126.255.255.255,         false
            255.255.255.255,         false
            127.0.0,                 false
            127.0.0.1.5,             false
            1270.0.0.1,              false
            127.0.0.256,             false
            127..0.1,                false
            .127.0.0.1,              false
            127.0.0.1.,              false
            ' 127.0.0.1',            false
            127.0.0.1/8,             false
            ::1/128,                 false
            '',                      false
            NULL,                    false
            garbage,                 false
            localhost,               false
            LOCALHOST,               false
            UNIX,                    false
            [::1,                    false
            ::1],                    false
            """)
    void classifiesLoopbackPeers(String address, boolean loopback) {
        assertThat(PeerAddresses.isLoopback(address)).isEqualTo(loopback);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", textBlock = """
            127.0.0.1,          127.0.0.1
            ::1,                [::1]
            [0:0:0:0:0:0:0:1],  [::1]
            2001:DB8:0::1,      [2001:db8::1]
            0.0.0.0,            0.0.0.0
            ::,                 [::]
            localhost,          NULL
            example.com,        NULL
            1.2.3.4/8,          NULL
            [zz],               NULL
            """)
    void canonicalizesIpLiterals(String text, String canonical) {
        assertThat(PeerAddresses.canonicalLiteral(text)).isEqualTo(canonical);
        assertThat(PeerAddresses.isIpLiteral(text)).isEqualTo(canonical != null);
    }

    @Test
    void takesTheTextOfASocketAddress() throws Exception {
        assertThat(PeerAddresses.of(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 80)))
                .isEqualTo("127.0.0.1");
        assertThat(PeerAddresses.of(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 80)))
                .isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(PeerAddresses.of(java.net.UnixDomainSocketAddress.of("/tmp/mcp.sock"))).isEqualTo(PeerAddresses.UNIX_DOMAIN);
        assertThat(PeerAddresses.of(java.net.InetSocketAddress.createUnresolved("localhost", 80))).isNull();
        assertThat(PeerAddresses.of(null)).isNull();
    }
}
