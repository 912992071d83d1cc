package dev.mcpguard.jetty10;

import dev.mcpguard.core.BodyLimitExceeded;
import dev.mcpguard.core.Guard;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpInput;

/**
 * Counts a streamed body as the application reads it (after transfer decoding). Once it passes
 * the limit under enforcement, the content is dropped, the client gets 413 if nothing was
 * committed yet, and every read from then on fails.
 */
final class BodyLimitInterceptor implements HttpInput.Interceptor {
    private final HttpChannel channel;
    private final Jetty10RequestView view;
    private final Guard guard;
    private long read;
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
        if (content.isSpecial()) {
            return content;
        }
        int bytes = content.remaining();
        long before = read;
        read += bytes;
        if (bytes == 0 || !guard.bodyRead(before, read, view, Jetty10Gate.STACK)) {
            return content;
        }
        content.skip(bytes);
        failure = new HttpInput.ErrorContent(new BodyLimitExceeded(guard.maxBodyBytes()));
        Jetty10Refusal.refuse(channel, guard.bodyTooLarge());
        return failure;
    }
}
