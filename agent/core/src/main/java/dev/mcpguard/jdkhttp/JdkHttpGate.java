package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The first filter of every context of a JDK {@code HttpServer}: gates each exchange before any
 * application filter or handler. Injected into the server's (platform) class loader; holds no policy.
 */
public final class JdkHttpGate extends Filter {
    static final String STACK = "jdk-httpserver";

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Verdict previous = InboundRequests.current();
        if (refused(exchange)) {
            return;
        }
        try {
            chain.doFilter(exchange);
        } finally {
            InboundRequests.restore(previous); // refused() made the exchange current, for the application's span
        }
    }

    @Override
    public String description() {
        return "mcpguard request gates";
    }

    /** @return whether the exchange was refused and answered, or ended. Never throws. */
    private static boolean refused(HttpExchange exchange) {
        try {
            Guard guard = ActiveGuard.get();
            JdkHttpRequestView view = new JdkHttpRequestView(exchange);
            Verdict verdict = guard.checkOrFail(view, STACK);
            if (verdict.allowed()) {
                BodyMeter meter = verdict.bodyMeter();
                if (meter != null) {
                    exchange.setStreams(new BodyLimitedInputStream(exchange.getRequestBody(), exchange, meter), null);
                }
                InboundRequests.enter(verdict);
                return false;
            }
            refuse(exchange, verdict.refusal());
            return true;
        } catch (Throwable error) {
            return failed(exchange, error);
        }
    }

    /**
     * This adapter's own failure on an exchange: reported, then what {@code MCPGUARD_ON_ERROR} says
     * ({@link Guard#adapterFailed}); when not even that can be had (the guard unreachable, a core
     * class that does not link), the exchange is closed unanswered. Never throws.
     *
     * @return whether the exchange was refused or closed: it must not go on
     */
    private static boolean failed(HttpExchange exchange, Throwable error) {
        try {
            Refusal refusal = ActiveGuard.get().adapterFailed(STACK, error);
            if (refusal == null) {
                return false;
            }
            refuse(exchange, refusal);
        } catch (Throwable unanswerable) {
            report(unanswerable);
            abandonUnreadBody(exchange);
            exchange.close();
        }
        return true;
    }

    /** Counts a failure if the guard can still be reached. Never throws. */
    private static void report(Throwable error) {
        try {
            ActiveGuard.get().internalError(STACK + " refusal", error);
        } catch (Throwable unreported) {
            // what matters now is that the exchange ends
        }
    }

    /**
     * Sends the refusal unless response headers went out already, abandons the unread body and
     * closes the exchange; the connection is closed since the body is left unread. Never throws.
     */
    static void refuse(HttpExchange exchange, Refusal refusal) {
        try {
            if (exchange.getResponseCode() == -1) {
                Headers headers = exchange.getResponseHeaders();
                headers.clear();
                int count = refusal.headerCount(true);
                for (int i = 0; i < count; i++) {
                    headers.set(refusal.headerName(i), refusal.headerValue(i));
                }
                // A response to HEAD has no body (the server's stream takes none): its length is a header.
                boolean head = "HEAD".equals(exchange.getRequestMethod());
                exchange.sendResponseHeaders(refusal.status(), head ? -1 : refusal.body().length);
                if (!head) {
                    // Not closed here: closing the response stream drains the request body.
                    OutputStream body = exchange.getResponseBody();
                    body.write(refusal.body());
                    body.flush();
                }
            }
        } catch (Throwable error) {
            report(error);
        } finally {
            abandonUnreadBody(exchange);
            exchange.close();
        }
    }

    private static void abandonUnreadBody(HttpExchange exchange) {
        try {
            UnreadBody.abandon(exchange);
        } catch (Throwable error) {
            report(error);
        }
    }
}
