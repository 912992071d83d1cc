package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of a {@code (…, …, …, InetAddress, int port, …)} method: Netty's native datagram sends, and TCP Fast Open connects carrying data. Not suppressed: the refusal is thrown where the connect or send
 * would have failed; {@link EgressGate} throws nothing else.
 */
final class AddressAt3Advice {

    private AddressAt3Advice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(3) InetAddress address, @Advice.Argument(4) int port) throws ConnectException {
        EgressGate.check(address, port);
    }
}
