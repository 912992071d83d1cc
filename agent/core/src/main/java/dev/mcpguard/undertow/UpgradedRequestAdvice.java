package dev.mcpguard.undertow;

import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code Http2ReceiveListener.handleInitialRequest}, which runs an h2c upgrade's
 * HTTP/1.1 request again as stream 1: the gate knows that request was judged already.
 */
final class UpgradedRequestAdvice {

    private UpgradedRequestAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) HttpServerExchange initial) {
        UndertowGate.upgrading(initial);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit() {
        UndertowGate.upgraded();
    }
}
