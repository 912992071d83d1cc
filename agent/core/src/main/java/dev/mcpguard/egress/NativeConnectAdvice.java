package dev.mcpguard.egress;

import java.net.ConnectException;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Netty's native sockets (epoll, kqueue): a connect. Not suppressed: the refusal is thrown where
 * the connect would have failed; {@link EgressGate} throws nothing else.
 */
final class NativeConnectAdvice {

    private NativeConnectAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(0) SocketAddress remote) throws ConnectException {
        EgressGate.check(remote);
    }
}
