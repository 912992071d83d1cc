package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.DatagramPacket;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of a {@code (DatagramPacket)} method: the legacy datagram socket's send (Java 17's {@code jdk.net.usePlainDatagramSocketImpl}); a connected socket's packets carry its peer. Not suppressed: the refusal is thrown where the connect or send
 * would have failed; {@link EgressGate} throws nothing else.
 */
final class DatagramPacketAdvice {

    private DatagramPacketAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) DatagramPacket packet) throws ConnectException {
        EgressGate.check(packet.getAddress(), packet.getPort());
    }
}
