package dev.mcpguard.undertow;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import java.nio.ByteBuffer;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Gates Undertow exchanges as the connector hands them to the root handler, before any handler
 * (proxy-address handlers and servlets included). Injected into Undertow's class loader; holds
 * no policy.
 */
public final class UndertowGate {
    static final String STACK = "undertow";

    /** The root handler runs again on every dispatch to a worker; gate only the first time. */
    private static final AttachmentKey<Boolean> GATED = AttachmentKey.create(Boolean.class);
    /** The verdict of an admitted exchange, current on each thread its root handler runs on (EGRESS on only). */
    private static final AttachmentKey<Verdict> ADMITTED = AttachmentKey.create(Verdict.class);
    /**
     * Set while Undertow runs an h2c upgrade's first request again, as HTTP/2 stream 1, on this
     * thread: that request was gated as HTTP/1.1 already, and must not be gated (and logged) twice.
     */
    private static final ThreadLocal<Boolean> UPGRADED_REQUEST = new ThreadLocal<>();

    /**
     * The body meter of an exchange whose body is counted, until its request channel is made.
     * Wrappers added later wrap the earlier ones, and handlers that decode the body (such as
     * {@code RequestEncodingHandler}) add theirs after the root handler: the meter is added last,
     * as the channel is made, so that it counts what the application reads.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final AttachmentKey<ConduitWrapper<StreamSourceConduit>> BODY_METER =
            (AttachmentKey) AttachmentKey.create(ConduitWrapper.class);

    private UndertowGate() {
    }

    /**
     * @return {@code true} when the root handler may run; {@code false} when the exchange was
     *         refused and answered, or ended. Never throws.
     */
    public static boolean admitted(HttpServerExchange exchange) {
        try {
            if (exchange.getAttachment(GATED) != null) {
                if (InboundRequests.tracked()) {
                    InboundRequests.enter(exchange.getAttachment(ADMITTED)); // a dispatch to a worker
                }
                return true;
            }
            if (UPGRADED_REQUEST.get() != null) {
                UPGRADED_REQUEST.remove();
                exchange.putAttachment(GATED, Boolean.TRUE);
                return true;
            }
            exchange.putAttachment(GATED, Boolean.TRUE);
            Guard guard = ActiveGuard.get();
            UndertowRequestView view = new UndertowRequestView(exchange);
            Verdict verdict = guard.checkOrFail(view, STACK);
            if (verdict.allowed()) {
                BodyMeter meter = verdict.bodyMeter();
                if (meter != null) {
                    exchange.putAttachment(BODY_METER, new BodyLimitConduit.Wrapper(exchange, meter));
                }
                if (InboundRequests.tracked()) {
                    exchange.putAttachment(ADMITTED, verdict);
                    InboundRequests.enter(verdict); // until executeRootHandler returns
                }
                return true;
            }
            refuse(exchange, verdict.refusal());
            return false;
        } catch (Throwable error) {
            return failed(exchange, error);
        }
    }

    /**
     * This adapter's own failure on an exchange: reported, then what {@code MCPGUARD_ON_ERROR} says
     * ({@link Guard#adapterFailed}); when not even that can be had (the guard unreachable, a core
     * class that does not link), the connection is closed. Never throws.
     *
     * @return whether the exchange goes on to the handlers
     */
    private static boolean failed(HttpServerExchange exchange, Throwable error) {
        try {
            Refusal refusal = ActiveGuard.get().adapterFailed(STACK, error);
            if (refusal == null) {
                return true;
            }
            refuse(exchange, refusal);
        } catch (Throwable unanswerable) {
            abort(exchange, unanswerable);
        }
        return false;
    }

    /** Ends the exchange without an answer, its failure counted if the guard can still be reached. Never throws. */
    private static void abort(HttpServerExchange exchange, Throwable error) {
        try {
            ActiveGuard.get().internalError(STACK + " refusal", error);
        } catch (Throwable unreported) {
            // closing is what matters now
        }
        try {
            exchange.getConnection().close();
        } catch (Throwable ignored) {
            // the connection is already going away
        }
    }

    /** Called as the exchange's request channel is asked for, before Undertow makes it from the wrappers. */
    public static void requestChannelOpening(HttpServerExchange exchange) {
        ConduitWrapper<StreamSourceConduit> meter = exchange.getAttachment(BODY_METER);
        if (meter == null) {
            return;
        }
        try {
            exchange.removeAttachment(BODY_METER);
            if (exchange.isRequestChannelAvailable()) {
                exchange.addRequestWrapper(meter);
            }
        } catch (Throwable error) {
            failed(exchange, error);
        }
    }

    /**
     * Called as Undertow starts to run an h2c upgrade's first request as HTTP/2 stream 1.
     *
     * @param initial the HTTP/1.1 exchange that asked for the upgrade
     */
    public static void upgrading(HttpServerExchange initial) {
        if (initial.getAttachment(GATED) != null) {
            UPGRADED_REQUEST.set(Boolean.TRUE);
        }
    }

    /** Called when that is done, whatever happened. */
    public static void upgraded() {
        UPGRADED_REQUEST.remove();
    }

    /**
     * Sends the refusal, or closes the connection (over HTTP/2 Undertow resets the stream only)
     * when a response has already started; the connection is not kept alive, since the body is
     * left unread. Never throws.
     */
    static void refuse(HttpServerExchange exchange, Refusal refusal) {
        try {
            exchange.setPersistent(false);
            if (exchange.isResponseStarted()) {
                exchange.getConnection().close();
                return;
            }
            exchange.setStatusCode(refusal.status());
            HeaderMap headers = exchange.getResponseHeaders();
            headers.clear();
            // Over HTTP/2 without Connection: Undertow ends the stream only.
            int count = refusal.headerCount(!exchange.getProtocol().equals(Protocols.HTTP_2_0));
            for (int i = 0; i < count; i++) {
                // The name is found in Undertow's table of header constants: no HttpString is made.
                headers.put(HttpString.tryFromString(refusal.headerName(i)), refusal.headerValue(i));
            }
            exchange.getResponseSender().send(ByteBuffer.wrap(refusal.body()));
        } catch (Throwable error) {
            abort(exchange, error);
        }
    }
}
