package dev.mcpguard.jetty10;

import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.server.HttpChannel;

/** Inlined into {@code Server.handle(HttpChannel)}: a refused request skips the handler tree. */
final class ServerHandleAdvice {

    private ServerHandleAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(0) HttpChannel channel) {
        return Jetty10Gate.refused(channel);
    }
}
