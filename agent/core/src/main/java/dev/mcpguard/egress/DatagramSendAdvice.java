package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * {@code DatagramChannelImpl}'s send of an unconnected datagram, to its target. Not suppressed: the refusal is thrown where
 * the connect would have failed; {@link EgressGate} throws nothing else.
 */
final class DatagramSendAdvice {

    private DatagramSendAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(2) InetSocketAddress target) throws ConnectException {
        EgressGate.check(target);
    }
}
