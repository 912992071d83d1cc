package dev.mcpguard.undertow;

import io.undertow.server.HttpServerExchange;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Verdict;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code Connectors.executeRootHandler}: a refused exchange never reaches a handler. */
final class RootHandlerAdvice {

    private RootHandlerAdvice() {
    }

    /**
     * Skipped on the default value, so that a failure here (a helper that does not link) keeps the
     * root handler from running too. {@link UndertowGate#admitted} itself never throws.
     */
    @Advice.OnMethodEnter(skipOn = Advice.OnDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(1) HttpServerExchange exchange,
                         @Advice.Local("previousRequest") Verdict previous) {
        previous = InboundRequests.current();
        return UndertowGate.admitted(exchange);
    }

    /** Ends the span in which the gate made the exchange current on this thread. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Local("previousRequest") Verdict previous) {
        InboundRequests.restore(previous);
    }
}
