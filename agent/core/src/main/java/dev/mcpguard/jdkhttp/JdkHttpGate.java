package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.Guard;
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
        if (!refused(exchange)) {
            chain.doFilter(exchange);
        }
    }

    @Override
    public String description() {
        return "mcpguard request gates";
    }

    private static boolean refused(HttpExchange exchange) {
        Guard guard = ActiveGuard.get();
        JdkHttpRequestView view = new JdkHttpRequestView(exchange);
        Verdict verdict = guard.checkOrFail(view, STACK);
        if (verdict.allowed()) {
            BodyMeter meter = verdict.bodyMeter();
            if (meter != null) {
                exchange.setStreams(new BodyLimitedInputStream(exchange.getRequestBody(), exchange, meter), null);
            }
            return false;
        }
        refuse(exchange, verdict.refusal());
        return true;
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
            ActiveGuard.get().internalError(STACK + " refusal", error);
        } finally {
            abandonUnreadBody(exchange);
            exchange.close();
        }
    }

    private static void abandonUnreadBody(HttpExchange exchange) {
        try {
            UnreadBody.abandon(exchange);
        } catch (Throwable error) {
            ActiveGuard.get().internalError(STACK + " refusal", error);
        }
    }
}
