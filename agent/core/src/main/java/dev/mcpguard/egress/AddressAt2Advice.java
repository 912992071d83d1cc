package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of a {@code (…, …, InetAddress, int port, …)} method: {@code Net.connect}, every JDK TCP and datagram-socket connect; Netty's native gathering send. Not suppressed: the refusal is thrown where the connect or send
 * would have failed; {@link EgressGate} throws nothing else.
 */
final class AddressAt2Advice {

    private AddressAt2Advice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(2) InetAddress address, @Advice.Argument(3) int port) throws ConnectException {
        EgressGate.check(address, port);
    }
}
