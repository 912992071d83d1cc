package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.HttpContext;
import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code ServerImpl.createContext}: every context starts with the gate filter. */
final class CreateContextAdvice {

    private CreateContextAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return HttpContext context) {
        if (context != null) {
            JdkHttpServerGate.guard(context);
        }
    }
}
