package dev.mcpguard.bind;

import java.net.SocketAddress;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of a server socket's bind: the address may be narrowed before it is used. */
final class ChannelBindAdvice {

    private ChannelBindAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) SocketAddress local) {
        local = BindGate.onBind(local);
    }
}
