package dev.mcpguard.jetty;

import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Inlined into {@code GzipRequest.read()}, which hands the handlers above a {@code GzipHandler}
 * the body inflated: what the application reads is counted there, not only on the wire.
 */
final class InflatedReadAdvice {

    private InflatedReadAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Request inflating, @Advice.Return(readOnly = false) Content.Chunk chunk) {
        chunk = JettyGate.decodedRead(inflating, chunk);
    }
}
