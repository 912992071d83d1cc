package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/**
 * {@code Net.connect}: every JDK TCP connect and datagram-socket connect, with the resolved address. Not suppressed: the refusal is thrown where
 * the connect would have failed; {@link EgressGate} throws nothing else.
 */
final class ConnectAdvice {

    private ConnectAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(2) InetAddress address, @Advice.Argument(3) int port) throws ConnectException {
        EgressGate.check(address, port);
    }
}
