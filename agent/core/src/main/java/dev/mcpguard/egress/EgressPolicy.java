package dev.mcpguard.egress;

import dev.mcpguard.core.GateMode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether the application may open a connection to an address and port (design §12).
 * Pure: the address actually being connected in, the deny range it falls in (or none) out. An
 * IPv6 address that carries an IPv4 one (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96) is
 * judged as that IPv4 address too, since that is where the packets go.
 */
public final class EgressPolicy {
    /**
     * {@code private}: where a URL from a caller must not lead. Loopback, RFC 1918, link-local (the
     * cloud metadata services at 169.254.169.254, fd00:ec2::254 in fc00::/7, Oracle's 192.0.0.192,
     * Alibaba's 100.100.100.200 in CGNAT), CGNAT, "this network", IETF protocol assignments,
     * benchmarking, multicast and reserved space, unspecified, local-use NAT64 (RFC 8215: it
     * translates to IPv4 addresses of the local network), ULA, site-local.
     */
    public static final List<String> PRIVATE = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "64:ff9b:1::/48", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");

    private static final long NAT64_HIGH = 0x0064ff9b00000000L;

    private final GateMode mode;
    private final AddressRange[] deny;
    private final HostAddresses self;
    private final AddressRange[] allowAnyPort;
    private final AllowEntry[] allowOnPort;
    private final BitSet anyAddressPorts = new BitSet(65536);
    private final boolean namedEntries;

    /** The label of a refusal for one of this host's own addresses ({@code MCPGUARD_EGRESS_DENY} {@code self}). */
    public static final String SELF = "self";

    /**
     * @param self this host's addresses, denied too; {@code null} when {@code MCPGUARD_EGRESS_DENY} leaves
     *             {@code self} out
     */
    public EgressPolicy(GateMode mode, List<AddressRange> deny, HostAddresses self, List<AllowEntry> allow) {
        this.mode = mode;
        this.self = self;
        this.deny = deny.toArray(new AddressRange[0]);
        List<AddressRange> anyPort = new ArrayList<>();
        List<AllowEntry> onPort = new ArrayList<>();
        boolean named = false;
        for (AllowEntry entry : allow) {
            if (entry.port() < 0) {
                anyPort.add(entry.range());
            } else if (entry.range() == null && entry.host() == null) {
                anyAddressPorts.set(entry.port());
            } else {
                onPort.add(entry);
                named |= entry.host() != null;
            }
        }
        this.allowAnyPort = anyPort.toArray(new AddressRange[0]);
        this.allowOnPort = onPort.toArray(new AllowEntry[0]);
        this.namedEntries = named;
    }

    /** The {@code private} set as ranges. */
    public static List<AddressRange> privateRanges() {
        List<AddressRange> ranges = new ArrayList<>();
        for (String range : PRIVATE) {
            ranges.add(AddressRange.parse(range));
        }
        return ranges;
    }

    public GateMode mode() {
        return mode;
    }

    /**
     * @return the deny entry {@code address} falls under (a range, or {@link #SELF}), or {@code null}
     *         when the connection may be opened: outside every deny entry, or allowed by an entry
     */
    public String deniedBy(InetAddress address, int port) {
        byte[] bytes = address.getAddress();
        boolean ipv6 = bytes.length == 16;
        long[] value = AddressRange.value(bytes);
        String denied = denied(ipv6, value[0], value[1]);
        if (denied == null && ipv6) {
            long embedded = embeddedIpv4(value[0], value[1]);
            if (embedded >= 0) {
                denied = denied(false, 0, embedded);
            }
        }
        if (denied == null || allowed(address, ipv6, value, port)) {
            return null;
        }
        return denied;
    }

    private String denied(boolean ipv6, long high, long low) {
        AddressRange range = match(deny, ipv6, high, low);
        if (range != null) {
            return range.toString();
        }
        return self != null && self.contains(ipv6, high, low) ? SELF : null;
    }

    private boolean allowed(InetAddress address, boolean ipv6, long[] value, int port) {
        if (port >= 0 && port < 65536 && anyAddressPorts.get(port)) {
            return true;
        }
        if (match(allowAnyPort, ipv6, value[0], value[1]) != null) {
            return true;
        }
        String name = namedEntries ? connectedName(address) : null;
        for (AllowEntry entry : allowOnPort) {
            if (entry.port() != port) {
                continue;
            }
            if (entry.range() != null ? entry.range().contains(ipv6, value[0], value[1])
                    : entry.host().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The name the application resolved to get this address, without a reverse lookup
     * ({@code getHostName} would make one): {@code InetAddress.toString()} is {@code name/literal},
     * or {@code /literal} for an address given as a literal.
     */
    private static String connectedName(InetAddress address) {
        String text = address.toString();
        int slash = text.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        String name = text.substring(0, slash);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * The IPv4 address an IPv6 one carries in its low 32 bits, or {@code -1}: IPv4-mapped
     * ({@code ::ffff:0:0/96}), IPv4-compatible ({@code ::/96}), SIIT's IPv4-translated
     * ({@code ::ffff:0:0:0/96}) and the well-known NAT64 prefix ({@code 64:ff9b::/96}).
     */
    static long embeddedIpv4(long high, long low) {
        long upper = low >>> 32;
        boolean carries = high == 0 && (upper == 0xffffL || upper == 0 || upper == 0xffff0000L)
                || high == NAT64_HIGH && upper == 0;
        return carries ? low & 0xffffffffL : -1;
    }

    private static AddressRange match(AddressRange[] ranges, boolean ipv6, long high, long low) {
        for (AddressRange range : ranges) {
            if (range.contains(ipv6, high, low)) {
                return range;
            }
        }
        return null;
    }

    /** The literal as the refusal and the log name it: {@code 10.0.0.1}, {@code fd00:ec2::254} (no scope). */
    static String literal(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        return AddressRange.parse(hostAddressWithoutScope(address)).toString();
    }

    private static String hostAddressWithoutScope(InetAddress address) {
        String text = address.getHostAddress();
        int percent = text.indexOf('%');
        return percent < 0 ? text : text.substring(0, percent);
    }
}
