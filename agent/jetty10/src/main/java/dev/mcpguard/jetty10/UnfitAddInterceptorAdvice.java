package dev.mcpguard.jetty10;

import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code HttpInput.addInterceptor} of a Jetty the gate does not link against (9.4):
 * it leaves the method as it is, since {@link UnfitServerHandleAdvice} refuses every request
 * before a handler could add one.
 */
final class UnfitAddInterceptorAdvice {

    private UnfitAddInterceptorAdvice() {
    }

    @Advice.OnMethodExit
    static void exit() {
        // nothing to count: no request gets that far
    }
}
