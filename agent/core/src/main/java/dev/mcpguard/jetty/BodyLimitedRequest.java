package dev.mcpguard.jetty;

import dev.mcpguard.core.BodyLimitExceeded;
import dev.mcpguard.core.Guard;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts a streamed body as the handlers read it. Once it passes the limit under enforcement,
 * the chunk is dropped, the client gets 413 if nothing was committed yet, and every read from
 * then on fails: the application never sees a byte past the limit.
 */
final class BodyLimitedRequest extends Request.Wrapper {
    private final Response response;
    private final JettyRequestView view;
    private final Guard guard;
    private long read;
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
        int bytes = chunk.remaining();
        long before = read;
        read += bytes;
        if (bytes == 0 || !guard.bodyRead(before, read, view, JettyGate.STACK)) {
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
