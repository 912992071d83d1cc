package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of a {@code (…, …, SocketAddress)} method: {@code DatagramChannelImpl}'s send of an unconnected datagram. Not suppressed: the refusal is thrown where the connect or send
 * would have failed; {@link EgressGate} throws nothing else.
 */
final class SocketAddressAt2Advice {

    private SocketAddressAt2Advice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(2) SocketAddress destination) throws ConnectException {
        EgressGate.check(destination);
    }
}
