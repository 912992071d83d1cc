package dev.mcpguard.jetty10;

import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.Refusal;
import java.io.IOException;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpInput;

/**
 * Feeds a streamed body to its {@link BodyMeter} as the application reads it (after transfer
 * decoding), and again as it reads it inflated when an interceptor added after this one transforms
 * it ({@link InflatedBodyMeter}, for {@code GzipHandler}'s {@code GzipHttpInputInterceptor}). Once
 * the meter cuts, the content is dropped, the client gets 413 if nothing was committed yet, and
 * every read from then on fails.
 */
final class BodyLimitInterceptor implements HttpInput.Interceptor {
    private final HttpChannel channel;
    private final BodyMeter bodyMeter;
    /**
     * The content counted last: an interceptor after this one that inflates it takes it a buffer
     * at a time, so the same content comes through again until it is used up.
     */
    private HttpInput.Content counted;
    /** The meter that counts what the application reads, the outermost one when several were added. */
    private InflatedBodyMeter outermost;
    private HttpInput.Content failure;

    BodyLimitInterceptor(HttpChannel channel, BodyMeter bodyMeter) {
        this.channel = channel;
        this.bodyMeter = bodyMeter;
    }

    @Override
    public HttpInput.Content readFrom(HttpInput.Content content) {
        if (failure != null) {
            content.skip(content.remaining());
            return failure;
        }
        if (content.isSpecial() || content == counted) {
            return content;
        }
        counted = content;
        java.nio.ByteBuffer bytes = content.getByteBuffer();
        return goOnOrCut(bytes == null ? BodyMeter.Answer.GO_ON : bodyMeter.add(bytes, bytes.position(), bytes.limit()),
                content);
    }

    /** Makes {@code meter} the one that counts what the application reads. */
    void meteredBy(InflatedBodyMeter meter) {
        this.outermost = meter;
    }

    /** Counts content as the application reads it, when {@code by} is the outermost meter. */
    HttpInput.Content decodedRead(InflatedBodyMeter by, HttpInput.Content content) {
        if (content == null || by != outermost) {
            return content;
        }
        if (failure != null) {
            if (content != failure) {
                content.skip(content.remaining());
                release(content);
            }
            return failure;
        }
        if (content.isSpecial()) {
            return content;
        }
        HttpInput.Content result = goOnOrCut(bodyMeter.addInflated(content.remaining()), content);
        if (result != content) {
            release(content);
        }
        return result;
    }

    /** Gives an inflater its buffer back; content read off the connection Jetty releases itself. */
    private void release(HttpInput.Content content) {
        if (content != counted) {
            content.succeeded();
        }
    }

    /** Fails every read from now on, the body uncounted, and answers {@code refusal} unless a response is committed. */
    void refuse(Refusal refusal) {
        failure = new HttpInput.ErrorContent(new IOException("mcpguard: the request body could not be counted"));
        Jetty10Refusal.refuse(channel, refusal);
    }

    /** Fails every read from now on, the body uncounted, and ends the request unanswered. */
    void abort(Throwable error) {
        failure = new HttpInput.ErrorContent(new IOException("mcpguard: the request body could not be counted"));
        Jetty10Refusal.abort(channel, error);
    }

    private HttpInput.Content goOnOrCut(BodyMeter.Answer answer, HttpInput.Content content) {
        if (answer == BodyMeter.Answer.GO_ON) {
            return content;
        }
        content.skip(content.remaining());
        failure = new HttpInput.ErrorContent(bodyMeter.exceeded());
        if (answer == BodyMeter.Answer.REFUSE) {
            Jetty10Refusal.refuse(channel, bodyMeter.refusal());
        }
        return failure;
    }
}
