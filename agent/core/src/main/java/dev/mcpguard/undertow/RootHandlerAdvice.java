package dev.mcpguard.undertow;

import io.undertow.server.HttpServerExchange;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code Connectors.executeRootHandler}: a refused exchange never reaches a handler. */
final class RootHandlerAdvice {

    private RootHandlerAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(1) HttpServerExchange exchange) {
        return UndertowGate.refused(exchange);
    }
}
