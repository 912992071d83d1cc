package dev.mcpguard.jetty;

import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Verdict;
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

    /**
     * @return whether the handler tree runs: skipped on the default value, so that a failure here
     *         (a helper that does not link) skips it too. {@link JettyGate#gate} itself never throws.
     */
    @Advice.OnMethodEnter(skipOn = Advice.OnDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(value = 0, readOnly = false) Request request,
                         @Advice.Argument(1) Response response,
                         @Advice.Argument(2) Callback callback,
                         @Advice.Local("previousRequest") Verdict previous) {
        previous = InboundRequests.current();
        Request gated = JettyGate.gate(request, response, callback);
        if (gated == null) {
            return false;
        }
        request = gated;
        return true;
    }

    /** Also ends the span in which the gate made the request current on this thread. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter boolean handlersRan, @Advice.Return(readOnly = false) boolean handled,
                     @Advice.Local("previousRequest") Verdict previous) {
        InboundRequests.restore(previous);
        if (!handlersRan) {
            handled = true;
        }
    }
}
