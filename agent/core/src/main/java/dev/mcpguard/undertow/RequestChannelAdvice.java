package dev.mcpguard.undertow;

import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpServerExchange.getRequestChannel}: the body meter joins the request
 * wrappers last, over any that decode the body, just before Undertow stacks them.
 */
final class RequestChannelAdvice {

    private RequestChannelAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This HttpServerExchange exchange) {
        UndertowGate.requestChannelOpening(exchange);
    }
}
