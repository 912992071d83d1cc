package dev.mcpguard.jetty10;

import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Verdict;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpChannel;

/** Inlined into {@code Server.handle(HttpChannel)}: a refused request skips the handler tree. */
final class ServerHandleAdvice {

    private ServerHandleAdvice() {
    }

    /**
     * Skipped on the default value, so that a failure here (a helper that does not link) keeps the
     * handler tree from running too. {@link Jetty10Gate#admitted} itself never throws.
     */
    @Advice.OnMethodEnter(skipOn = Advice.OnDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(0) HttpChannel channel, @Advice.Local("previousRequest") Verdict previous) {
        previous = InboundRequests.current();
        return Jetty10Gate.admitted(channel);
    }

    /** Ends the span in which the gate made the request current on this thread. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Local("previousRequest") Verdict previous) {
        InboundRequests.restore(previous);
    }
}
