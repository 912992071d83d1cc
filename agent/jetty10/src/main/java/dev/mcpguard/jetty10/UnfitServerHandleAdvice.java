package dev.mcpguard.jetty10;

import dev.mcpguard.core.ActiveGuard;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpChannel;

/**
 * Inlined into {@code Server.handle(HttpChannel)} of a Jetty the gate does not link against
 * (9.4): every request is answered 503 {@code gate_error} and skips the handler tree. The
 * handler tree is skipped on the default value, so even a failure here cannot let it run.
 */
final class UnfitServerHandleAdvice {

    private UnfitServerHandleAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(0) HttpChannel channel) {
        Jetty10Refusal.refuse(channel, ActiveGuard.get().unfitServer(Jetty10Gate.STACK));
        return false;
    }
}
