package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BindPolicyTest {

    @ParameterizedTest(name = "widest {0}, asked {1} -> {2}")
    @CsvSource(textBlock = """
            127.0.0.1, 0.0.0.0,    127.0.0.1
            127.0.0.1, ::,         127.0.0.1
            127.0.0.1, 10.0.0.5,   127.0.0.1
            127.0.0.1, 198.18.0.1, 127.0.0.1
            127.0.0.1, 127.0.0.1,
            127.0.0.1, 127.0.0.2,
            127.0.0.1, ::1,
            ::1,       0.0.0.0,    ::1
            ::1,       127.0.0.1,
            10.0.0.5,  0.0.0.0,    10.0.0.5
            10.0.0.5,  10.0.0.6,
            10.0.0.5,  127.0.0.1,
            0.0.0.0,   0.0.0.0,
            0.0.0.0,   ::,
            0.0.0.0,   10.0.0.5,
            ::,        0.0.0.0,
            """)
    void narrowsOnlyWiderBindsAndNeverWidens(String widest, String asked, String expected) throws UnknownHostException {
        BindPolicy policy = new BindPolicy(InetAddress.getByName(widest), null, GateMode.ENFORCE);

        InetAddress narrowed = policy.narrowed(InetAddress.getByName(asked), 8080);

        assertThat(narrowed).isEqualTo(expected == null ? null : InetAddress.getByName(expected));
    }

    @Test
    void aMissingAddressIsTheWildcard() throws UnknownHostException {
        BindPolicy policy = new BindPolicy(InetAddress.getByName("127.0.0.1"), null, GateMode.ENFORCE);

        assertThat(policy.narrowed(null, 0)).isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void governsOnlyTheListedPorts() throws UnknownHostException {
        BindPolicy policy = new BindPolicy(InetAddress.getByName("127.0.0.1"), new int[] {443, 8080}, GateMode.ENFORCE);
        InetAddress wildcard = InetAddress.getByName("0.0.0.0");

        assertThat(policy.narrowed(wildcard, 8080)).isNotNull();
        assertThat(policy.narrowed(wildcard, 443)).isNotNull();
        assertThat(policy.narrowed(wildcard, 9090)).isNull();
        assertThat(policy.narrowed(wildcard, 0)).as("an ephemeral port is not a listed one").isNull();
    }

    @Test
    void decidesTheSameInLogOnlyAndNothingWhenOff() throws UnknownHostException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress wildcard = InetAddress.getByName("0.0.0.0");

        assertThat(new BindPolicy(loopback, null, GateMode.LOG_ONLY).narrowed(wildcard, 80)).isEqualTo(loopback);
        assertThat(new BindPolicy(loopback, null, GateMode.OFF).narrowed(wildcard, 80)).isNull();
    }
}
