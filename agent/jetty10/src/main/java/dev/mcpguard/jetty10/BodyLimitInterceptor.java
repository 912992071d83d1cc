package dev.mcpguard.jetty10;

import dev.mcpguard.core.BodyLimitExceeded;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Refusal;
import java.io.IOException;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpInput;

/**
 * Counts a streamed body as the application reads it (after transfer decoding), and again as it
 * reads it inflated when an interceptor added after this one transforms it ({@link InflatedBodyMeter},
 * for {@code GzipHandler}'s {@code GzipHttpInputInterceptor}). Once either count passes the limit
 * under enforcement, the content is dropped, the client gets 413 if nothing was committed yet,
 * and every read from then on fails.
 */
final class BodyLimitInterceptor implements HttpInput.Interceptor {
    private final HttpChannel channel;
    private final Jetty10RequestView view;
    private final Guard guard;
    private long read;
    private long decoded;
    /**
     * The content counted last: an interceptor after this one that inflates it takes it a buffer
     * at a time, so the same content comes through again until it is used up.
     */
    private HttpInput.Content counted;
    /** The meter that counts what the application reads, the outermost one when several were added. */
    private InflatedBodyMeter meter;
    /** Set once a count passed the limit: the crossing gets one decision line, whichever count it was. */
    private boolean overLimit;
    private HttpInput.Content failure;

    BodyLimitInterceptor(HttpChannel channel, Jetty10RequestView view, Guard guard) {
        this.channel = channel;
        this.view = view;
        this.guard = guard;
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
        long before = read;
        read += content.remaining();
        return count(content, before, read);
    }

    /** Makes {@code meter} the one that counts what the application reads. */
    void meteredBy(InflatedBodyMeter meter) {
        this.meter = meter;
    }

    /** Counts content as the application reads it, when {@code by} is the outermost meter. */
    HttpInput.Content decodedRead(InflatedBodyMeter by, HttpInput.Content content) {
        if (content == null || by != meter) {
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
        long before = decoded;
        decoded += content.remaining();
        HttpInput.Content result = count(content, before, decoded);
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

    private HttpInput.Content count(HttpInput.Content content, long before, long after) {
        if (before == after || overLimit) {
            return content;
        }
        boolean cut = guard.bodyRead(before, after, view, Jetty10Gate.STACK);
        overLimit = after > guard.maxBodyBytes();
        if (!cut) {
            return content;
        }
        content.skip(content.remaining());
        failure = new HttpInput.ErrorContent(new BodyLimitExceeded(guard.maxBodyBytes()));
        Jetty10Refusal.refuse(channel, guard.bodyTooLarge());
        return failure;
    }
}
