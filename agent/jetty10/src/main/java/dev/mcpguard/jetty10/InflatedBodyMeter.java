package dev.mcpguard.jetty10;

import org.eclipse.jetty.server.HttpInput;
import org.eclipse.jetty.util.component.Destroyable;

/**
 * Wraps a request's whole interceptor chain once an interceptor was added after
 * {@link BodyLimitInterceptor} (a {@code GzipHandler} inflating the body, say): the content it
 * hands on is what the application reads, and is counted there (design §4 Body).
 */
final class InflatedBodyMeter implements HttpInput.Interceptor, Destroyable {
    private final HttpInput.Interceptor chain;
    private final BodyLimitInterceptor limit;

    InflatedBodyMeter(HttpInput.Interceptor chain, BodyLimitInterceptor limit) {
        this.chain = chain;
        this.limit = limit;
    }

    @Override
    public HttpInput.Content readFrom(HttpInput.Content content) {
        return limit.decodedRead(this, chain.readFrom(content));
    }

    BodyLimitInterceptor limit() {
        return limit;
    }

    /** Jetty destroys the chain it recycles with the request: the inflater goes back to its pool. */
    @Override
    public void destroy() {
        if (chain instanceof Destroyable) {
            ((Destroyable) chain).destroy();
        }
    }
}
