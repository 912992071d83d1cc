package dev.mcpguard.bind;

import java.net.BindException;
import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of a server socket's bind: the address may be narrowed before it is used,
 * and an ungated listener refused. Not suppressed: throwing that refusal is the point;
 * {@link BindGate#onBind} throws nothing else.
 */
final class ChannelBindAdvice {

    private ChannelBindAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Argument(value = 0, readOnly = false) SocketAddress local) throws BindException {
        local = BindGate.onBind(local);
    }
}
