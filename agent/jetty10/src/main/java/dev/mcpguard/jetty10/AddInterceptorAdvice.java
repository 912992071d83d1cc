package dev.mcpguard.jetty10;

import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpInput;

/**
 * Inlined into {@code HttpInput.addInterceptor}: a handler (a {@code GzipHandler} inflating the
 * body) chains an interceptor after the one counting the body, so the count moves behind it.
 */
final class AddInterceptorAdvice {

    private AddInterceptorAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static HttpInput.Interceptor enter(@Advice.This HttpInput input) {
        return input.getInterceptor();
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This HttpInput input, @Advice.Enter HttpInput.Interceptor before) {
        Jetty10Gate.interceptorAdded(input, before);
    }
}
