package dev.mcpguard.jetty;

import dev.mcpguard.core.BodyLimitExceeded;
import dev.mcpguard.core.Guard;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts a streamed body as the handlers read it, and again as they read it inflated when a
 * {@code GzipHandler} decompresses it ({@link #decodedRead}). Once either count passes the limit
 * under enforcement, the chunk is dropped, the client gets 413 if nothing was committed yet, and
 * every read from then on fails: the application never sees a byte past the limit.
 */
final class BodyLimitedRequest extends Request.Wrapper {
    private final Response response;
    private final JettyRequestView view;
    private final Guard guard;
    private long read;
    private long decoded;
    /** Set once a count passed the limit: the crossing gets one decision line, whichever count it was. */
    private boolean overLimit;
    private Content.Chunk failure;

    BodyLimitedRequest(Request request, Response response, JettyRequestView view, Guard guard) {
        super(request);
        this.response = response;
        this.view = view;
        this.guard = guard;
    }

    @Override
    public Content.Chunk read() {
        if (failure != null) {
            return failure;
        }
        Content.Chunk chunk = super.read();
        if (chunk == null || Content.Chunk.isFailure(chunk)) {
            return chunk;
        }
        long before = read;
        read += chunk.remaining();
        return count(chunk, before, read);
    }

    /**
     * Counts a chunk that an inflating wrapper above this one made of the body: what the
     * application reads (design §4 Body).
     *
     * @return the chunk, or the failure that replaces it once the limit is passed
     */
    Content.Chunk decodedRead(Content.Chunk chunk) {
        if (failure != null) {
            if (chunk != null && chunk != failure) {
                chunk.release();
            }
            return failure;
        }
        if (chunk == null || Content.Chunk.isFailure(chunk)) {
            return chunk;
        }
        long before = decoded;
        decoded += chunk.remaining();
        return count(chunk, before, decoded);
    }

    private Content.Chunk count(Content.Chunk chunk, long before, long after) {
        if (before == after || overLimit) {
            return chunk;
        }
        boolean cut = guard.bodyRead(before, after, view, JettyGate.STACK);
        overLimit = after > guard.maxBodyBytes();
        if (!cut) {
            return chunk;
        }
        chunk.release();
        failure = Content.Chunk.from(new BodyLimitExceeded(guard.maxBodyBytes()), true);
        if (!response.isCommitted()) {
            JettyGate.refuse(response, guard.bodyTooLarge(), Callback.NOOP);
        }
        return failure;
    }
}
