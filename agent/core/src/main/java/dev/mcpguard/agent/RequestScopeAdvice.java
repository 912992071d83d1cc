package dev.mcpguard.agent;

import dev.mcpguard.core.InboundRequests;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of a server's dispatch method, the one in which its gate made the request
 * current and the application ran: the thread serves no request once it returns, or throws.
 */
final class RequestScopeAdvice {

    private RequestScopeAdvice() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit() {
        InboundRequests.restore(null);
    }
}
