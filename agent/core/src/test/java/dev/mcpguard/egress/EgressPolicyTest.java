package dev.mcpguard.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.GateMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EgressPolicyTest {
    private static final EgressPolicy PRIVATE_ONLY = policy(List.of());

    private static EgressPolicy policy(List<String> allow) {
        List<AllowEntry> entries = new ArrayList<>();
        for (String entry : allow) {
            entries.add(AllowEntry.parse(entry));
        }
        return new EgressPolicy(GateMode.ENFORCE, EgressPolicy.privateRanges(), null, entries);
    }

    private static InetAddress literal(String text) throws UnknownHostException {
        return InetAddress.getByName(text); // a literal: never a lookup
    }

    /** An IPv6 address as raw bytes, kept IPv6 where the JDK's parser would make an Inet4Address of it. */
    private static InetAddress raw6(String text) throws UnknownHostException {
        return java.net.Inet6Address.getByAddress(null, new inet.ipaddr.IPAddressString(text).getAddress().getBytes(), -1);
    }

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.0/8", "127.255.255.254, 127.0.0.0/8", "10.0.0.1, 10.0.0.0/8", "172.16.0.1, 172.16.0.0/12",
        "172.31.255.255, 172.16.0.0/12", "192.168.1.1, 192.168.0.0/16", "169.254.169.254, 169.254.0.0/16",
        "100.100.100.200, 100.64.0.0/10", "0.0.0.0, 0.0.0.0/8", "192.0.0.192, 192.0.0.0/24",
        "198.18.0.2, 198.18.0.0/15", "224.0.0.251, 224.0.0.0/4", "255.255.255.255, 240.0.0.0/4",
        "::1, ::1", "::, ::", "fd00:ec2::254, fc00::/7", "fe80::1, fe80::/10", "fec0::1, fec0::/10", "ff02::1, ff00::/8"})
    void privateAddressesAreDeniedWithTheirRange(String address, String range) throws UnknownHostException {
        assertThat(PRIVATE_ONLY.deniedBy(literal(address), 80)).hasToString(range);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0",
        "169.253.255.255", "198.17.255.255", "198.20.0.0", "203.0.113.7", "223.255.255.255", "2001:db8::1",
        "2606:4700::1111", "fbff:ffff::1", "fe7f::1", "2001:4860::8888"})
    void publicAddressesPass(String address) throws UnknownHostException {
        assertThat(PRIVATE_ONLY.deniedBy(literal(address), 443)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"::ffff:169.254.169.254, 169.254.0.0/16", "::ffff:127.0.0.1, 127.0.0.0/8", "::10.0.0.1, 10.0.0.0/8",
        "64:ff9b::a9fe:a9fe, 169.254.0.0/16", "64:ff9b::7f00:1, 127.0.0.0/8", "::ffff:0:a9fe:a9fe, 169.254.0.0/16",
        "64:ff9b:1::a9fe:a9fe, 64:ff9b:1::/48"})
    void ipv4InsideIpv6IsJudgedAsIpv4(String address, String range) throws UnknownHostException {
        assertThat(PRIVATE_ONLY.deniedBy(raw6(address), 80)).hasToString(range);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:8.8.8.8", "64:ff9b::808:808", "::ffff:0:808:808", "64:ff9b:2::a9fe:a9fe"})
    void publicIpv4InsideIpv6Passes(String address) throws UnknownHostException {
        assertThat(PRIVATE_ONLY.deniedBy(raw6(address), 80)).isNull();
    }

    @Test
    void allowEntriesOpenTheirDestinationsOnly() throws UnknownHostException {
        EgressPolicy policy = policy(List.of("10.1.0.0/16", "10.0.0.1:5432", "[fd00:ec2::254]:80", "*:8443",
                "DB.Internal.:6379"));

        assertThat(policy.deniedBy(literal("10.1.2.3"), 1)).isNull();
        assertThat(policy.deniedBy(literal("10.2.0.1"), 1)).hasToString("10.0.0.0/8");
        assertThat(policy.deniedBy(literal("10.0.0.1"), 5432)).isNull();
        assertThat(policy.deniedBy(literal("10.0.0.1"), 5433)).hasToString("10.0.0.0/8");
        assertThat(policy.deniedBy(literal("fd00:ec2::254"), 80)).isNull();
        assertThat(policy.deniedBy(literal("fd00:ec2::254"), 443)).hasToString("fc00::/7");
        assertThat(policy.deniedBy(literal("127.0.0.1"), 8443)).isNull();
        assertThat(policy.deniedBy(literal("169.254.169.254"), 8443)).isNull();
        assertThat(policy.deniedBy(literal("169.254.169.254"), 80)).hasToString("169.254.0.0/16");
        // by the name the application connected by, case and trailing dot aside, never by a reverse lookup
        byte[] ten = {10, 9, 9, 9};
        assertThat(policy.deniedBy(InetAddress.getByAddress("db.internal", ten), 6379)).isNull();
        assertThat(policy.deniedBy(InetAddress.getByAddress("DB.INTERNAL.", ten), 6379)).isNull();
        assertThat(policy.deniedBy(InetAddress.getByAddress("db.internal", ten), 6380)).hasToString("10.0.0.0/8");
        assertThat(policy.deniedBy(InetAddress.getByAddress("db.internal.evil", ten), 6379)).hasToString("10.0.0.0/8");
        assertThat(policy.deniedBy(InetAddress.getByAddress(null, ten), 6379)).hasToString("10.0.0.0/8");
    }

    @Test
    void customDenyRangesAddToOrReplacePrivate() throws UnknownHostException {
        EgressPolicy policy = new EgressPolicy(GateMode.ENFORCE, List.of(AddressRange.parse("203.0.113.0/24"),
                AddressRange.parse("2001:db8::/32")), null, List.of());

        assertThat(policy.deniedBy(literal("203.0.113.9"), 80)).hasToString("203.0.113.0/24");
        assertThat(policy.deniedBy(literal("2001:db8:1::1"), 80)).hasToString("2001:db8::/32");
        assertThat(policy.deniedBy(literal("127.0.0.1"), 80)).isNull();
    }

    @Test
    void thisHostsOwnAddressesAreDeniedAsSelf() throws UnknownHostException {
        HostAddresses self = HostAddresses.of(List.of(literal("203.0.113.10"), literal("2001:db8::10"), literal("127.0.0.1")));
        EgressPolicy policy = new EgressPolicy(GateMode.ENFORCE, EgressPolicy.privateRanges(), self,
                List.of(AllowEntry.parse("203.0.113.10:443")));

        assertThat(policy.deniedBy(literal("203.0.113.10"), 6379)).isEqualTo(EgressPolicy.SELF);
        assertThat(policy.deniedBy(literal("2001:db8::10"), 80)).isEqualTo(EgressPolicy.SELF);
        assertThat(policy.deniedBy(raw6("::ffff:203.0.113.10"), 80)).isEqualTo(EgressPolicy.SELF);
        assertThat(policy.deniedBy(literal("127.0.0.1"), 80)).isEqualTo("127.0.0.0/8"); // the range names it first
        assertThat(policy.deniedBy(literal("203.0.113.10"), 443)).isNull();
        assertThat(policy.deniedBy(literal("203.0.113.11"), 80)).isNull();
        assertThat(PRIVATE_ONLY.deniedBy(literal("203.0.113.10"), 6379)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.1/8, 10.0.0.0/8", "10.0.0.0/8, 10.0.0.0/8", "169.254.169.254, 169.254.169.254",
        "169.254.169.254/32, 169.254.169.254", "FD00:EC2:0::254, fd00:ec2::254", "fd00::/8, fd00::/8",
        "::ffff:10.0.0.0/104, ::ffff:a00:0/104", "0.0.0.0/0, 0.0.0.0/0", "::/0, ::/0"})
    void rangesAreCanonical(String text, String canonical) {
        assertThat(AddressRange.parse(text)).hasToString(canonical);
    }

    @ParameterizedTest
    @CsvSource({"::ffff:10.0.0.0/104, true", "::ffff:10.0.0.1, true", "::10.0.0.1, true", "64:ff9b::a00:1, true",
        "::ffff:0:a00:1, true", "::/96, true", "::, false", "::1, false", "::/0, false", "::ffff:0:0/95, false",
        "fd00::/8, false", "10.0.0.0/8, false"})
    void blocksOfIpv4InIpv6FormAreKnown(String text, boolean carriesIpv4) {
        assertThat(AddressRange.parse(text).carriesIpv4()).isEqualTo(carriesIpv4);
    }

    /** Differential: the mask arithmetic against a bit-by-bit reading of every prefix length. */
    @Test
    void rangeMatchingAgreesWithBitByBitComparison() throws UnknownHostException {
        Random random = new Random(15);
        for (int i = 0; i < 20_000; i++) {
            boolean v6 = random.nextBoolean();
            byte[] base = new byte[v6 ? 16 : 4];
            random.nextBytes(base);
            int length = random.nextInt(base.length * 8 + 1);
            AddressRange range = AddressRange.parse(InetAddress.getByAddress(base).getHostAddress() + "/" + length);
            byte[] probe = base.clone();
            if (random.nextBoolean()) {
                int bit = random.nextInt(base.length * 8);
                probe[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            }
            boolean expected = true;
            for (int bit = 0; bit < length; bit++) {
                expected &= ((base[bit / 8] ^ probe[bit / 8]) & (0x80 >>> (bit % 8))) == 0;
            }
            long[] value = AddressRange.value(probe);
            assertThat(range.contains(v6, value[0], value[1])).as("%s in %s", InetAddress.getByAddress(probe), range)
                    .isEqualTo(expected);
            assertThat(range.contains(!v6, value[0], value[1])).isFalse();
        }
    }
}
