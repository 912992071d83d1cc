package dev.mcpguard.it;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * PROXY protocol headers (HAProxy's proxy-protocol.txt) for TCP over IPv4, as a load balancer puts them before the
 * first byte of a connection: whoever opens the connection may send one, claiming any client.
 */
final class ProxyProtocol {

    /** Version 2's fixed signature. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyProtocol() {}

    /** Version 1, text: {@code PROXY TCP4 <source> <destination> <source port> <destination port>\r\n}. */
    static byte[] v1(String source, String destination, int sourcePort, int destinationPort) {
        return ("PROXY TCP4 " + source + " " + destination + " " + sourcePort + " " + destinationPort + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Version 2, binary: signature, {@code PROXY} command, TCP over IPv4, 12 bytes of addresses and ports. */
    static byte[] v2(String source, String destination, int sourcePort, int destinationPort) {
        ByteBuffer header = ByteBuffer.allocate(V2_SIGNATURE.length + 4 + 12);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12)
                .put(ipv4(source)).put(ipv4(destination))
                .putShort((short) sourcePort).putShort((short) destinationPort);
        return header.array();
    }

    /** {@code header} followed by {@code request}. */
    static byte[] before(byte[] header, byte[] request) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(header);
        all.writeBytes(request);
        return all.toByteArray();
    }

    private static byte[] ipv4(String literal) {
        try {
            byte[] address = InetAddress.getByName(literal).getAddress();
            if (address.length != 4) {
                throw new IllegalArgumentException("not IPv4: " + literal);
            }
            return address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
