package dev.mcpguard.tomcat;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.catalina.connector.Response;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Request;
import org.apache.tomcat.util.net.ApplicationBufferHandler;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Gates Tomcat requests at the connector, before the Valve pipeline: Valves such as
 * {@code RemoteIpValve} rewrite the client address and strip forwarding headers, and no filter
 * or servlet may run before the gates have. Injected into Tomcat's class loader; holds no policy.
 */
public final class TomcatGate {
    static final String STACK = "tomcat";
    /**
     * The Coyote request note holding the request's {@link BodyMeter}, {@code null} when its body
     * is not counted: the one before {@link TomcatRequestView#AJP_SOCKET_LOCAL_ADDRESS}.
     */
    private static final int BODY_METER = 30;

    private TomcatGate() {
    }

    /**
     * Called when Tomcat has parsed the request line and headers.
     *
     * @param proceed whether Tomcat goes on with the request: when it turned it away itself, there
     *                is nothing to gate
     * @return {@code false} when the request was refused and answered, so Tomcat must not run it
     */
    public static boolean afterParse(Request request, Response response, boolean proceed) {
        if (!proceed) {
            // Tomcat reuses its request objects without clearing notes: no meter of an earlier request stays.
            request.setNote(BODY_METER, null);
            return false;
        }
        try {
            Verdict verdict = ActiveGuard.get().checkOrFail(new TomcatRequestView(request), STACK);
            // Set for every request gated, null included, for the same reason.
            request.setNote(BODY_METER, verdict.bodyMeter());
            if (verdict.allowed()) {
                InboundRequests.enter(verdict); // until CoyoteAdapter.service returns
                return true;
            }
            refuse(request, response, verdict.refusal(), false);
            return false;
        } catch (Throwable error) {
            request.setNote(BODY_METER, null);
            return failed(request, response, false, error);
        }
    }

    /**
     * This adapter's own failure on a request: reported, then what {@code MCPGUARD_ON_ERROR} says
     * ({@link dev.mcpguard.core.Guard#adapterFailed}); when not even that can be had (the guard
     * unreachable, a core class that does not link), the connection is closed. Never throws.
     *
     * @return whether the request goes on to the application
     */
    private static boolean failed(Request request, Response response, boolean midRequest, Throwable error) {
        try {
            Refusal refusal = ActiveGuard.get().adapterFailed(STACK, error);
            if (refusal == null) {
                return true;
            }
            refuse(request, response, refusal, midRequest);
        } catch (Throwable unanswerable) {
            abort(request, unanswerable);
        }
        return false;
    }

    /** Ends the request without an answer, its failure counted if the guard can still be reached. Never throws. */
    private static void abort(Request request, Throwable error) {
        try {
            ActiveGuard.get().internalError(STACK + " refusal", error);
        } catch (Throwable unreported) {
            // closing is what matters now
        }
        request.action(ActionCode.CLOSE_NOW, null);
    }

    /** Called for each AJP forward request, before {@link #afterParse}: notes its socket's local address. */
    public static void ajpRequest(Request request, SocketWrapperBase<?> socket) {
        String local = socket == null ? null : socket.getLocalAddr();
        request.setNote(TomcatRequestView.AJP_SOCKET_LOCAL_ADDRESS, local == null ? "" : local);
    }

    /**
     * Called after Tomcat read body bytes for the application (after chunked decoding).
     *
     * @param handler holds the bytes read, from its buffer's position on
     * @return the exception the read must throw instead of returning, or {@code null}
     */
    public static IOException afterRead(Request request, ApplicationBufferHandler handler, int bytes) {
        Object noted = request.getNote(BODY_METER);
        if (!(noted instanceof BodyMeter)) {
            return null; // not read by the gates: a declared length was checked, and Tomcat stops at it
        }
        BodyMeter meter = (BodyMeter) noted;
        try {
            ByteBuffer read = handler.getByteBuffer();
            int from = read.position();
            BodyMeter.Answer answer = meter.add(read, from, Math.min(read.limit(), from + bytes));
            if (answer == BodyMeter.Answer.GO_ON) {
                return null;
            }
            if (answer == BodyMeter.Answer.REFUSE) {
                refuse(request, catalinaResponse(request), meter.refusal(), true);
            }
            return meter.exceeded();
        } catch (Throwable error) {
            request.setNote(BODY_METER, null);
            return failed(request, catalinaResponse(request), true, error) ? null
                    : new IOException("mcpguard: body gate failed");
        }
    }

    /** The servlet response of a request the application runs, or {@code null}. */
    private static Response catalinaResponse(Request request) {
        Object catalinaRequest = request.getNote(org.apache.catalina.connector.CoyoteAdapter.ADAPTER_NOTES);
        return catalinaRequest instanceof org.apache.catalina.connector.Request
                ? ((org.apache.catalina.connector.Request) catalinaRequest).getResponse() : null;
    }

    /**
     * Answers with the refusal unless the application already committed a response (or there is
     * no {@code response} to answer on); the connection is closed either way, since the body is
     * left unread. Never throws: a refusal that cannot be written still ends the connection.
     *
     * @param midRequest the application is running and may write after us: its writes are dropped
     */
    private static void refuse(Request request, Response response, Refusal refusal, boolean midRequest) {
        try {
            // Tomcat would otherwise keep reading to drain the unread body before closing.
            request.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            if (response == null || response.isCommitted()) {
                request.action(ActionCode.CLOSE_NOW, null);
                return;
            }
            response.reset();
            response.setStatus(refusal.status());
            // Over HTTP/2 without Connection: Tomcat ends the stream, and resets it when the client
            // is still sending, without closing the connection.
            int headers = refusal.headerCount(!TomcatRequestView.isHttp2(request));
            for (int i = 0; i < headers; i++) {
                // Content-Type and Content-Length are parsed into the response's own fields here.
                response.setHeader(refusal.headerName(i), refusal.headerValue(i));
            }
            // Written to the Coyote response: the servlet stream types differ between javax and
            // jakarta Tomcats, and the writer would add a charset to the content type. Not for a
            // HEAD (RFC 9110 §9.3.2), whose body Tomcat 9's HTTP/2 stream would send.
            if (!request.method().equals("HEAD")) {
                response.getCoyoteResponse().doWrite(ByteBuffer.wrap(refusal.body()));
            }
            response.flushBuffer();
            if (midRequest) {
                response.setSuspended(true);
            }
        } catch (Throwable error) {
            abort(request, error);
        }
    }
}
