package dev.mcpguard.jetty10;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.Refusal;
import java.io.IOException;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Response;

/**
 * Answers a refused Jetty 9.4–11 request. Apart from the gate because it also serves a Jetty
 * version the gate does not link against ({@link UnfitServerHandleAdvice}): it names only
 * methods that 9.4, 10 and 11 share.
 */
public final class Jetty10Refusal {

    private Jetty10Refusal() {
    }

    /**
     * Writes the refusal unless a response is already committed; the connection closes after,
     * since the body is left unread. Never throws.
     */
    public static void refuse(HttpChannel channel, Refusal refusal) {
        try {
            channel.getRequest().setHandled(true);
            Response response = channel.getResponse();
            if (response.isCommitted()) {
                channel.abort(new IOException("mcpguard: request refused after the response was committed"));
                return;
            }
            response.reset();
            response.setStatus(refusal.status());
            // Over HTTP/2 without Connection: Jetty ends the stream only.
            int headers = refusal.headerCount(channel.getRequest().getHttpVersion().getVersion() < 20);
            for (int i = 0; i < headers; i++) {
                response.setHeader(refusal.headerName(i), refusal.headerValue(i));
            }
            response.getHttpOutput().write(refusal.body(), 0, refusal.body().length);
            response.closeOutput();
        } catch (Throwable error) {
            abort(channel, error);
        }
    }

    /**
     * Ends the request without an answer, its failure counted if the guard can still be reached:
     * over HTTP/2 that resets the stream, over HTTP/1 it closes the connection. Never throws.
     */
    public static void abort(HttpChannel channel, Throwable error) {
        try {
            channel.getRequest().setHandled(true);
            ActiveGuard.get().internalError(Jetty10Gate.STACK + " refusal", error);
        } catch (Throwable unreported) {
            // aborting is what matters now
        }
        channel.abort(error);
    }
}
