package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/**
 * Netty's native sockets: a gathering send to an address. Not suppressed: the refusal is thrown where
 * the connect would have failed; {@link EgressGate} throws nothing else.
 */
final class NativeSendToAddressesAdvice {

    private NativeSendToAddressesAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(2) InetAddress address, @Advice.Argument(3) int port) throws ConnectException {
        EgressGate.check(address, port);
    }
}
