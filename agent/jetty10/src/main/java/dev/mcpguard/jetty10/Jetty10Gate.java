package dev.mcpguard.jetty10;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.io.IOException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.Response;

/**
 * Gates Jetty 9.4–11 requests as the server hands them to its handler tree, after the
 * connector's customizers and before any handler, filter or servlet. Injected into Jetty's class
 * loader; holds no policy.
 */
public final class Jetty10Gate {
    static final String STACK = "jetty";

    private Jetty10Gate() {
    }

    /** @return {@code true} when the request was refused and answered, so Jetty must not handle it */
    public static boolean refused(HttpChannel channel) {
        Guard guard = ActiveGuard.get();
        Jetty10RequestView view = new Jetty10RequestView(channel);
        Verdict verdict = guard.checkOrFail(view, STACK);
        if (verdict.allowed()) {
            if (verdict.countsBody()) {
                channel.getRequest().getHttpInput().addInterceptor(new BodyLimitInterceptor(channel, view, guard));
            }
            return false;
        }
        refuse(channel, verdict.refusal());
        return true;
    }

    /**
     * Writes the refusal unless a response is already committed; the connection closes after,
     * since the body is left unread. Never throws.
     */
    static void refuse(HttpChannel channel, Refusal refusal) {
        try {
            channel.getRequest().setHandled(true);
            Response response = channel.getResponse();
            if (response.isCommitted()) {
                channel.abort(new IOException("mcpguard: request refused after the response was committed"));
                return;
            }
            response.reset();
            response.setStatus(refusal.status());
            response.setContentType(Refusal.CONTENT_TYPE);
            response.setHeader(HttpHeader.CACHE_CONTROL, Refusal.CACHE_CONTROL);
            if (channel.getRequest().getHttpVersion().getVersion() < 20) {
                response.setHeader(HttpHeader.CONNECTION, "close"); // HTTP/2 forbids it: Jetty ends the stream only
            }
            if (refusal.wwwAuthenticate() != null) {
                response.setHeader(HttpHeader.WWW_AUTHENTICATE, refusal.wwwAuthenticate());
            }
            response.setContentLength(refusal.body().length);
            response.getHttpOutput().write(refusal.body(), 0, refusal.body().length);
            response.closeOutput();
        } catch (Throwable error) {
            ActiveGuard.get().internalError(STACK + " refusal", error);
            // The request only: over HTTP/2 that resets the stream, over HTTP/1 it closes the connection.
            channel.abort(error);
        }
    }
}
