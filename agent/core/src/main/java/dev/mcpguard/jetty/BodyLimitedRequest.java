package dev.mcpguard.jetty;

import dev.mcpguard.core.BodyMeter;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Feeds a streamed body to its {@link BodyMeter} as the handlers read it, and again as they read
 * it inflated when a {@code GzipHandler} decompresses it ({@link #decodedRead}). Once the meter
 * cuts, the chunk is dropped, the client gets 413 if nothing was committed yet, and every read
 * from then on fails: the application never sees a byte past the limit.
 */
final class BodyLimitedRequest extends Request.Wrapper {
    private final Response response;
    private final BodyMeter meter;
    private Content.Chunk failure;

    BodyLimitedRequest(Request request, Response response, BodyMeter meter) {
        super(request);
        this.response = response;
        this.meter = meter;
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
        java.nio.ByteBuffer bytes = chunk.getByteBuffer();
        return goOnOrCut(meter.add(bytes, bytes.position(), bytes.limit()), chunk);
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
        return goOnOrCut(meter.addInflated(chunk.remaining()), chunk);
    }

    private Content.Chunk goOnOrCut(BodyMeter.Answer answer, Content.Chunk chunk) {
        if (answer == BodyMeter.Answer.GO_ON) {
            return chunk;
        }
        chunk.release();
        failure = Content.Chunk.from(meter.exceeded(), true);
        if (answer == BodyMeter.Answer.REFUSE && !response.isCommitted()) {
            JettyGate.refuse(response, meter.refusal(), Callback.NOOP);
        }
        return failure;
    }
}
