package dev.mcpguard.tomcat;

import net.bytebuddy.asm.Advice;
import org.apache.coyote.Request;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Inlined at the end of {@code AjpProcessor.prepareRequest}, once the forward-request message is
 * read and before the request reaches the adapter: the one place that knows both the request and
 * its socket. AJP fills the request's local address only from what the message claims, if at all.
 */
final class AjpRequestAdvice {

    private AjpRequestAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.FieldValue("request") Request request,
                     @Advice.FieldValue("socketWrapper") SocketWrapperBase<?> socketWrapper) {
        TomcatGate.ajpRequest(request, socketWrapper);
    }
}
