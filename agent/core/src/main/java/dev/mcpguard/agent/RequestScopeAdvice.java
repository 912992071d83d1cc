package dev.mcpguard.agent;

import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Verdict;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into a server's dispatch method, the one in which its gate makes the request current
 * and the application runs: once it returns, or throws, the thread serves what it served before
 * (nothing, unless one server runs inside another's request).
 */
final class RequestScopeAdvice {

    private RequestScopeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Verdict enter() {
        return InboundRequests.current();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Verdict previous) {
        InboundRequests.restore(previous);
    }
}
