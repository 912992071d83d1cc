package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/**
 * Netty's native sockets: a datagram sent, or a TCP Fast Open connect carrying data, to an address. Not suppressed: the refusal is thrown where
 * the connect would have failed; {@link EgressGate} throws nothing else.
 */
final class NativeSendToAdvice {

    private NativeSendToAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(3) InetAddress address, @Advice.Argument(4) int port) throws ConnectException {
        EgressGate.check(address, port);
    }
}
