package dev.mcpguard.egress;

import java.net.InetSocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Netty epoll's sendmmsg batching: a datagram the gate refuses (or would, in log-only) is left out
 * of the batch (the method is skipped and answers {@code false}, "not added"), so that Netty sends
 * it alone, through the {@code sendTo} the gate refuses, logs and fails the write on (in log-only:
 * logs and sends).
 */
final class NativeBatchAdvice {

    private NativeBatchAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Argument(4) InetSocketAddress recipient) {
        return EgressGate.refusesQuietly(recipient);
    }
}
