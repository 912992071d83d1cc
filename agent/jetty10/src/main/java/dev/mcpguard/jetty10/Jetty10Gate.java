package dev.mcpguard.jetty10;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpInput;

/**
 * Gates Jetty 10 and 11 requests as the server hands them to its handler tree, after the
 * connector's customizers and before any handler, filter or servlet. Injected into Jetty's class
 * loader; holds no policy.
 */
public final class Jetty10Gate {
    static final String STACK = "jetty";

    private Jetty10Gate() {
    }

    /**
     * After {@code HttpInput.addInterceptor}: when the request's body is counted, the
     * interceptor just added (a {@code GzipHandler}'s inflater) hands the application what it
     * reads, so the whole chain is wrapped in a meter that counts its output. Never throws.
     *
     * @param before the chain before the interceptor was added
     */
    public static void interceptorAdded(HttpInput input, HttpInput.Interceptor before) {
        BodyLimitInterceptor limit = before instanceof BodyLimitInterceptor ? (BodyLimitInterceptor) before
                : before instanceof InflatedBodyMeter ? ((InflatedBodyMeter) before).limit()
                : null;
        if (limit == null) {
            return;
        }
        try {
            InflatedBodyMeter meter = new InflatedBodyMeter(input.getInterceptor(), limit);
            input.setInterceptor(meter);
            limit.meteredBy(meter);
        } catch (Throwable error) {
            try {
                Refusal refusal = ActiveGuard.get().adapterFailed(STACK, error);
                if (refusal != null) {
                    limit.refuse(refusal);
                }
            } catch (Throwable unanswerable) {
                limit.abort(unanswerable);
            }
        }
    }

    /**
     * @return {@code true} when the handlers may run; {@code false} when the request was refused
     *         and answered, or aborted. Never throws.
     */
    public static boolean admitted(HttpChannel channel) {
        try {
            Guard guard = ActiveGuard.get();
            Jetty10RequestView view = new Jetty10RequestView(channel);
            Verdict verdict = guard.checkOrFail(view, STACK);
            if (verdict.allowed()) {
                InboundRequests.enter(verdict); // until Server.handle returns
                BodyMeter bodyMeter = verdict.bodyMeter();
                if (bodyMeter != null) {
                    channel.getRequest().getHttpInput().addInterceptor(new BodyLimitInterceptor(channel, bodyMeter));
                }
                return true;
            }
            Jetty10Refusal.refuse(channel, verdict.refusal());
            return false;
        } catch (Throwable error) {
            return failed(channel, error);
        }
    }

    /**
     * This adapter's own failure on a request: reported, then what {@code MCPGUARD_ON_ERROR} says
     * ({@link Guard#adapterFailed}); when not even that can be had (the guard unreachable, a core
     * class that does not link), the request is aborted. Never throws.
     *
     * @return whether the request goes on to the handlers
     */
    private static boolean failed(HttpChannel channel, Throwable error) {
        try {
            Refusal refusal = ActiveGuard.get().adapterFailed(STACK, error);
            if (refusal == null) {
                return true;
            }
            Jetty10Refusal.refuse(channel, refusal);
        } catch (Throwable unanswerable) {
            Jetty10Refusal.abort(channel, unanswerable);
        }
        return false;
    }
}
