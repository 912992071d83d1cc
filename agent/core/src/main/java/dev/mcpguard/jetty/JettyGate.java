package dev.mcpguard.jetty;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Gates Jetty 12 requests as the server hands them to its handler tree, before any context,
 * filter or servlet. Injected into Jetty's class loader; holds no policy.
 */
public final class JettyGate {
    static final String STACK = "jetty";

    private JettyGate() {
    }

    /**
     * @return the request the handlers must see (wrapped when its body is counted), or
     *         {@code null} when it was refused and answered
     */
    public static Request gate(Request request, Response response, Callback callback) {
        try {
            Guard guard = ActiveGuard.get();
            JettyRequestView view = new JettyRequestView(request);
            Verdict verdict = guard.checkOrFail(view, STACK);
            if (verdict.allowed()) {
                InboundRequests.enter(verdict); // until Server.handle returns
                BodyMeter meter = verdict.bodyMeter();
                return meter != null ? new BodyLimitedRequest(request, response, meter) : request;
            }
            refuse(response, verdict.refusal(), callback);
            return null;
        } catch (Throwable error) {
            return failed(response, callback, error) ? request : null;
        }
    }

    /**
     * This adapter's own failure on a request: reported, then what {@code MCPGUARD_ON_ERROR} says
     * ({@link Guard#adapterFailed}); when not even that can be had (the guard unreachable, a core
     * class that does not link), {@code callback} fails, which ends the request. Never throws.
     *
     * @return whether the request goes on to the handlers
     */
    private static boolean failed(Response response, Callback callback, Throwable error) {
        try {
            Refusal refusal = ActiveGuard.get().adapterFailed(STACK, error);
            if (refusal == null) {
                return true;
            }
            refuse(response, refusal, callback);
        } catch (Throwable unanswerable) {
            abort(callback, unanswerable);
        }
        return false;
    }

    /**
     * Ends the request without the application, its failure counted if the guard can still be
     * reached: Jetty answers the failed callback with its own error response, which names no
     * failure of ours. Never throws.
     */
    private static void abort(Callback callback, Throwable error) {
        try {
            ActiveGuard.get().internalError(STACK + " refusal", error);
        } catch (Throwable unreported) {
            // ending the request is what matters now
        }
        callback.failed(new IOException("mcpguard: the request could not be gated"));
    }

    /**
     * A chunk a {@code GzipRequest} inflated for the handlers above it: counted by the
     * {@link BodyLimitedRequest} it wraps, if the body is counted. Never throws.
     *
     * @return the chunk, or the failure the handlers get instead once the limit is passed
     */
    public static Content.Chunk decodedRead(Request inflating, Content.Chunk chunk) {
        try {
            for (Request request = inflating; request instanceof Request.Wrapper; ) {
                request = ((Request.Wrapper) request).getWrapped();
                if (request instanceof BodyLimitedRequest) {
                    return ((BodyLimitedRequest) request).decodedRead(chunk);
                }
            }
            return chunk;
        } catch (Throwable error) {
            if (ActiveGuard.allowsAfter(STACK, error)) {
                return chunk;
            }
            if (chunk != null) {
                chunk.release();
            }
            return Content.Chunk.from(new IOException("mcpguard: the body could not be counted", error), true);
        }
    }

    /**
     * Writes the refusal and completes {@code callback} with it; the connection closes after,
     * since the body is left unread. Never throws.
     */
    static void refuse(Response response, Refusal refusal, Callback callback) {
        try {
            response.reset();
            response.setStatus(refusal.status());
            HttpFields.Mutable headers = response.getHeaders();
            // Over HTTP/2 and 3 without Connection: Jetty ends the stream only.
            int count = refusal.headerCount(response.getRequest().getConnectionMetaData().getHttpVersion().getVersion() < 20);
            for (int i = 0; i < count; i++) {
                headers.put(refusal.headerName(i), refusal.headerValue(i));
            }
            response.write(true, ByteBuffer.wrap(refusal.body()), callback);
        } catch (Throwable error) {
            abort(callback, error);
        }
    }
}
