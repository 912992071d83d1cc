package dev.mcpguard.egress;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/**
 * An IPv4 or IPv6 prefix block ({@code 10.0.0.0/8}, {@code fd00:ec2::254/128}), parsed by
 * inet.ipaddr and kept as numbers, so that matching an address on every connect is a few masks
 * and compares, with nothing allocated.
 */
public final class AddressRange {
    /** Literal addresses and prefix lengths only: never a host name, a wildcard or a range with a dash. */
    private static final IPAddressStringParameters LITERALS = new IPAddressStringParameters.Builder()
            .allowEmpty(false).allowAll(false).allowMask(false).allowSingleSegment(false)
            .allowWildcardedSeparator(false).allow_inet_aton(false)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false).allowBinary(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowZone(false).allowBinary(false).allowBase85(false).getParentBuilder()
            .toParams();

    private final String text;
    private final boolean ipv6;
    private final int prefixLength;
    /** IPv4: the high 32 bits of {@link #high}; IPv6: the first 64 bits. */
    private final long high;
    private final long low;
    private final long highMask;
    private final long lowMask;

    private AddressRange(String text, boolean ipv6, int prefixLength, long high, long low) {
        this.text = text;
        this.ipv6 = ipv6;
        this.prefixLength = prefixLength;
        int width = ipv6 ? 128 : 32;
        long[] masks = masks(ipv6 ? prefixLength : prefixLength + 96, width);
        this.highMask = masks[0];
        this.lowMask = masks[1];
        this.high = high & highMask;
        this.low = low & lowMask;
    }

    /**
     * @param text an address ({@code 10.0.0.1}, {@code ::1}) or a block ({@code 10.0.0.0/8}); a
     *             prefix length on an address inside the block names the block
     * @return the range, or {@code null} for anything else
     */
    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        if (trimmed.isEmpty() || trimmed.indexOf('%') >= 0) {
            return null;
        }
        IPAddress address;
        try {
            address = new IPAddressString(trimmed, LITERALS).toAddress();
        } catch (AddressStringException | RuntimeException e) {
            return null;
        }
        if (address == null || address.isMultiple() && !address.isPrefixBlock() && !address.isPrefixed()) {
            return null;
        }
        Integer prefix = address.getNetworkPrefixLength();
        IPAddress block = prefix == null ? address : address.toPrefixBlock();
        byte[] bytes = block.getLower().getBytes();
        boolean ipv6 = bytes.length == 16;
        int length = prefix == null ? bytes.length * 8 : prefix;
        long[] value = value(bytes);
        String canonical = block.getLower().withoutPrefixLength().toCompressedString()
                + (length == bytes.length * 8 ? "" : "/" + length);
        return new AddressRange(canonical, ipv6, length, value[0], value[1]);
    }

    /**
     * Whether this is an IPv6 block of addresses that carry IPv4 ones (within {@code ::ffff:0:0/96},
     * {@code ::/96} but for {@code ::} and {@code ::1}, {@code ::ffff:0:0:0/96}, {@code 64:ff9b::/96}):
     * the JDK hands such an address over as IPv4 when it parses it, and the gate judges the IPv4
     * address it carries, so such a block would never match as written.
     */
    public boolean carriesIpv4() {
        if (!ipv6 || prefixLength < 96) {
            return false;
        }
        boolean loopbackOrUnspecified = prefixLength == 128 && high == 0 && (low == 0 || low == 1);
        return !loopbackOrUnspecified && EgressPolicy.embeddedIpv4(high, low) >= 0;
    }

    /** The address as the two longs {@link #contains} compares: IPv4 in the low 32 bits of the low word. */
    static long[] value(byte[] address) {
        long high = 0;
        long low = 0;
        if (address.length == 4) {
            low = (address[0] & 0xffL) << 24 | (address[1] & 0xffL) << 16 | (address[2] & 0xffL) << 8 | address[3] & 0xffL;
            return new long[] {0, low};
        }
        for (int i = 0; i < 8; i++) {
            high = high << 8 | address[i] & 0xffL;
            low = low << 8 | address[8 + i] & 0xffL;
        }
        return new long[] {high, low};
    }

    private static long[] masks(int bits, int width) {
        long highMask = bits >= 64 ? -1L : bits <= 0 ? 0 : -1L << (64 - bits);
        long lowMask = bits >= 128 ? -1L : bits <= 64 ? 0 : -1L << (128 - bits);
        if (width == 32) {
            highMask = 0; // an IPv4 value has no high word
            lowMask &= 0xffffffffL;
        }
        return new long[] {highMask, lowMask};
    }

    boolean isIpv6() {
        return ipv6;
    }

    /** @param high the address's first 64 bits (0 for IPv4) @param low its last 64 bits (IPv4: the low 32) */
    boolean contains(boolean ipv6Address, long high, long low) {
        return ipv6Address == ipv6 && (high & highMask) == this.high && (low & lowMask) == this.low;
    }

    int prefixLength() {
        return prefixLength;
    }

    /** Canonical: {@code 10.0.0.0/8}, {@code fd00:ec2::254} (a single address without a length). */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressRange && ((AddressRange) other).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
