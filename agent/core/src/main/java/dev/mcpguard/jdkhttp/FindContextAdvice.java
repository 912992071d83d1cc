package dev.mcpguard.jdkhttp;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined at the end of {@code ContextList.findContext(protocol, path)}, the server's context
 * lookup for an exchange: where no context matches, the server's fallback context instead of
 * {@code null}, so that the request is gated before it is answered 404.
 */
final class FindContextAdvice {

    private FindContextAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object contexts,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object context) {
        if (context == null) {
            context = NoContext.fallback(contexts);
        }
    }
}
