package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.InetAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of an {@code (InetAddress, int port, …)} method: the legacy socket implementations' connects (Java 17's {@code jdk.net.usePlainSocketImpl} and {@code jdk.net.usePlainDatagramSocketImpl}). Not suppressed: the refusal is thrown where the connect or send
 * would have failed; {@link EgressGate} throws nothing else.
 */
final class AddressAt0Advice {

    private AddressAt0Advice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) InetAddress address, @Advice.Argument(1) int port) throws ConnectException {
        EgressGate.check(address, port);
    }
}
