package dev.mcpguard.net;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * Classifies the textual address of a socket peer. Only the TCP peer is ever classified: never a
 * header value.
 */
public final class PeerAddresses {

    /** What adapters report as the peer of a Unix-domain socket, which counts as loopback. */
    public static final String UNIX_DOMAIN = "unix";

    /** The longest IP literal text, brackets aside: an IPv6 address with an IPv4 tail and a zone. */
    static final int MAX_LITERAL = 45 + 1 + 64;

    private PeerAddresses() {
    }

    /**
     * {@code true} for 127.0.0.0/8, ::1, their IPv4-mapped IPv6 forms, and a Unix-domain peer.
     * Anything unparseable, {@code null} included, is not loopback.
     */
    public static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        if (UNIX_DOMAIN.equals(address)) {
            return true;
        }
        if (address.indexOf(':') < 0) {
            return firstOctetOfDottedQuad(address) == 127;
        }
        IPAddress parsed = parse(address);
        if (parsed == null) {
            return false;
        }
        if (parsed.isLoopback()) {
            return true;
        }
        if (parsed.isIPv6()) {
            IPv6Address v6 = parsed.toIPv6();
            return v6.isIPv4Mapped() && v6.getEmbeddedIPv4Address().isLoopback();
        }
        return false;
    }

    /**
     * The text form the gates take of a socket address: the IP literal, {@link #UNIX_DOMAIN},
     * or {@code null} when it is neither (unknown, never loopback).
     */
    public static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetAddress ip = ((InetSocketAddress) address).getAddress();
            return ip == null ? null : ip.getHostAddress();
        }
        return address instanceof UnixDomainSocketAddress ? UNIX_DOMAIN : null;
    }

    /**
     * The client a peer address stands for when counting requests: an IPv4 address as it is (an
     * IPv4-mapped IPv6 one as its IPv4 form), an IPv6 one by its /64, which a single host commonly
     * holds whole; anything else as given.
     */
    public static String clientKey(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        IPAddress parsed = parse(address);
        if (parsed == null) {
            return address;
        }
        IPv6Address v6 = parsed.toIPv6();
        if (v6.isIPv4Mapped()) {
            return v6.getEmbeddedIPv4Address().toCanonicalString();
        }
        return v6.mask(v6.getNetwork().getNetworkMask(64)).toCanonicalString() + "/64";
    }

    /** {@code true} when the text is an IPv4 or IPv6 literal (brackets and zone allowed). */
    public static boolean isIpLiteral(String text) {
        return parse(text) != null;
    }

    /** {@code true} for a strict dotted quad: four decimal octets, nothing else. */
    public static boolean isDottedQuad(String text) {
        return firstOctetOfDottedQuad(text) >= 0;
    }

    /** An IP literal in its canonical form, IPv6 in brackets; {@code null} when not a literal. */
    public static String canonicalLiteral(String text) {
        IPAddress parsed = parse(text);
        if (parsed == null) {
            return null;
        }
        return parsed.isIPv6() ? "[" + parsed.toCanonicalString() + "]" : parsed.toCanonicalString();
    }

    static IPAddress parse(String text) {
        String literal = text;
        if (literal.length() > 2 && literal.charAt(0) == '[' && literal.charAt(literal.length() - 1) == ']') {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (literal.indexOf(':') < 0) {
            if (firstOctetOfDottedQuad(literal) < 0) {
                return null; // IPv4 only as a full dotted quad: no "127.1", "1" or "0x7f000001"
            }
        } else if (!isIpv6Shaped(literal)) {
            return null; // no prefix lengths, ranges or wildcards reach the library
        }
        try {
            IPAddressString candidate = new IPAddressString(literal);
            if (!candidate.isIPAddress()) {
                return null;
            }
            IPAddress address = candidate.getAddress();
            return address == null || address.isPrefixed() || address.isMultiple() ? null : address;
        } catch (RuntimeException e) {
            return null; // hostile text is not an address, never a gate failure
        }
    }

    /** Hex digits, {@code :} and {@code .} (an embedded IPv4), then an optional {@code %zone}. */
    private static boolean isIpv6Shaped(String text) {
        if (text.length() > MAX_LITERAL) {
            return false;
        }
        int zone = text.indexOf('%');
        int end = zone < 0 ? text.length() : zone;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Ascii.hexDigit(c) < 0 && c != ':' && c != '.') {
                return false;
            }
        }
        for (int i = end + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) {
                return false;
            }
        }
        return zone != text.length() - 1;
    }

    /** The first octet of a strict dotted quad, or -1; parsing without allocating. */
    private static int firstOctetOfDottedQuad(String s) {
        int first = -1;
        int octets = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || ++octets > 4) {
                    return -1;
                }
                if (first < 0) {
                    first = value;
                }
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return octets == 4 ? first : -1;
    }
}
