package dev.mcpguard.jetty10;

import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of {@code HttpConfiguration.isDelayDispatchUntilContent}: Jetty then hands a
 * request to its handlers as soon as the headers are in, so that the BODY gate refuses a declared
 * length over the limit before the client sends the body, not after its first bytes.
 */
final class DispatchOnHeadersAdvice {

    private DispatchOnHeadersAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) boolean delayDispatch) {
        delayDispatch = false;
    }
}
