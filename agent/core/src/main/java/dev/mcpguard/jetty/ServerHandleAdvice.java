package dev.mcpguard.jetty;

import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Inlined into {@code Server.handle}, where every request enters the handler tree (after the
 * connector's customizers, before any handler). A refused request skips the tree and counts
 * as handled.
 */
final class ServerHandleAdvice {

    private ServerHandleAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(value = 0, readOnly = false) Request request,
                         @Advice.Argument(1) Response response,
                         @Advice.Argument(2) Callback callback) {
        Request gated = JettyGate.gate(request, response, callback);
        if (gated == null) {
            return true;
        }
        request = gated;
        return false;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Enter boolean refused, @Advice.Return(readOnly = false) boolean handled) {
        if (refused) {
            handled = true;
        }
    }
}
