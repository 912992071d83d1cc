package dev.mcpguard.tomcat;

import java.io.IOException;
import net.bytebuddy.asm.Advice;
import org.apache.coyote.Request;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

/**
 * Inlined at the end of Coyote's {@code Request.doRead}, the one path every body read takes
 * (servlet streams, readers, form and multipart parsing alike).
 */
final class BodyReadAdvice {

    private BodyReadAdvice() {
    }

    /** Not suppressed: throwing the cut-off is the point. {@link TomcatGate#afterRead} itself never throws. */
    @Advice.OnMethodExit
    static void exit(@Advice.This Request request, @Advice.Argument(0) ApplicationBufferHandler handler,
                     @Advice.Return int bytes) throws IOException {
        if (bytes > 0) {
            IOException cutOff = TomcatGate.afterRead(request, handler, bytes);
            if (cutOff != null) {
                throw cutOff;
            }
        }
    }
}
