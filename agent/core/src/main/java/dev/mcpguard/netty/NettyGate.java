package dev.mcpguard.netty;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * Gates the HTTP/1.x requests of one connection from right behind the request decoder (see
 * {@link GatePlacement}). Injected into Netty's class loader; holds no policy.
 *
 * <p>A refused request is answered here and never passed on. Responses leave in request order
 * (HTTP/1.1 pipelining), so the refusal waits until the application has finished the responses it
 * owes for earlier requests. From a refusal on the connection only winds down: every later inbound
 * message is released unread, application writes past what it owed are dropped, and the connection
 * ends once the refusal is written.
 *
 * <p>One instance per channel, all of it run on the channel's event loop. {@code @Sharable} only
 * so that {@link GatePlacement} can move this instance within its pipeline: Netty refuses to add
 * an unsharable handler twice.
 */
@ChannelHandler.Sharable
public final class NettyGate extends ChannelDuplexHandler {
    static final String STACK = "netty";
    /**
     * Set on a connection when a request asking to upgrade passed the gates: if the server
     * upgrades to h2c, that request comes back to {@link NettyHttp2Gate} as stream 1, gated already.
     */
    static final AttributeKey<Boolean> UPGRADE_GATED = AttributeKey.valueOf("mcpguard.upgrade-gated");
    private static final long LINGER_MILLIS = 1000;
    private static final ChannelFutureListener WIND_DOWN = NettyGate::windDown;

    private final Guard guard = ActiveGuard.get();
    /**
     * The body meter of the request last passed on, {@code null} when its body is not counted: fed
     * its chunks here and, inflated, by a {@link DecodedBodyMeter} behind a server-side decompressor.
     * The decompressor inflates each chunk as this gate passes it on, so what it hands on belongs to
     * the request last passed on.
     */
    private BodyMeter meter;
    /** The request last passed on, current on the event loop while its messages go on (EGRESS on only). */
    private Verdict passedOn;
    /** Requests passed on whose response the application has not finished writing. */
    private int outstanding;
    /** The application has written the head of the oldest outstanding response, not yet its end. */
    private boolean responding;
    /** The head written last was interim (1xx other than 101): its end finishes no request. */
    private boolean interim;
    private boolean refusing;
    /**
     * No HTTP/1.x codec in front any more (the connection upgraded): everything passes. Requests
     * that an HTTP/2 adapter turns into {@code HttpRequest}s were gated as streams by {@link NettyHttp2Gate}.
     * Set by {@link GatePlacement}, possibly before the channel is registered, hence volatile.
     */
    private volatile boolean unplugged;
    /** The refusal to write once nothing is outstanding; {@code null} once written or when only closing. */
    private Refusal pending;
    /** The request read last is a {@code HEAD}: a refusal of it carries no body (RFC 9110 §9.3.2). */
    private boolean headRequest;
    /** {@link #pending} answers a {@code HEAD}. */
    private boolean pendingHead;
    /** This handler's own context, where requests are read. */
    private ChannelHandlerContext requests;
    /**
     * Where responses are followed and refusals written: this handler's context, or the
     * {@link ResponseSide}'s behind a separate encoder further from the socket. Set by
     * {@link GatePlacement}, possibly before the channel is registered, hence volatile.
     */
    private volatile ChannelHandlerContext responses;
    private volatile boolean respondsHere = true;

    NettyGate() {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        requests = ctx;
    }

    /** Responses pass through this handler on their way to the encoder: follow them here. */
    void respondHere() {
        respondsHere = true;
    }

    /** Responses are encoded before they reach this handler: follow them, and refuse, from {@code ctx}. */
    void respondFrom(ChannelHandlerContext ctx) {
        responses = ctx;
        respondsHere = false;
    }

    /** @param unplugged whether the codec this gate follows is gone, see {@link #unplugged} */
    void unplug(boolean unplugged) {
        this.unplugged = unplugged;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (unplugged) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (refusing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            // Netty's own codec drops a HEAD response's body, Vert.x's does not
            headRequest = HttpMethod.HEAD.equals(((HttpRequest) msg).method());
            Refusal refusal = check(ctx, (HttpRequest) msg);
            if (refusal != null || refusing) {
                ReferenceCountUtil.release(msg);
                if (refusal != null) {
                    refuse(ctx, refusal);
                }
                return;
            }
            outstanding++;
        }
        if (meter != null && msg instanceof HttpContent) {
            Refusal cutOff = feed((HttpContent) msg, false);
            if (cutOff != null || refusing) {
                ReferenceCountUtil.release(msg);
                if (cutOff != null) {
                    cutOff(ctx, cutOff);
                }
                return;
            }
        }
        if (passedOn == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        // The application may act on the message within this call (a handler, Reactor or Vert.x
        // completing the request): what it does here, it does for this request.
        Verdict previous = InboundRequests.enter(passedOn);
        try {
            ctx.fireChannelRead(msg);
        } finally {
            InboundRequests.restore(previous);
        }
    }

    /**
     * The refusal for a request head, or {@code null} to pass it on (unless the connection was
     * {@link #abort aborted}). Never throws.
     */
    private Refusal check(ChannelHandlerContext ctx, HttpRequest request) {
        try {
            NettyRequestView view = new NettyRequestView(request, ctx.channel());
            Verdict verdict = guard.checkOrFail(view, STACK);
            meter = verdict.bodyMeter();
            passedOn = verdict.allowed() && InboundRequests.tracked() ? verdict : null;
            if (verdict.allowed() && request.headers().contains(HttpHeaderNames.UPGRADE)) {
                ctx.channel().attr(UPGRADE_GATED).set(Boolean.TRUE);
            }
            return verdict.refusal();
        } catch (Throwable error) {
            meter = null;
            passedOn = null;
            return failed(ctx, error);
        }
    }

    /**
     * This adapter's own failure on a request: reported, and the refusal {@code MCPGUARD_ON_ERROR}
     * asks for ({@link Guard#adapterFailed}), or {@code null} to go on; when not even that can be
     * had (the guard unreachable, a core class that does not link), the connection is aborted and
     * {@code null} returned. Never throws.
     */
    private Refusal failed(ChannelHandlerContext ctx, Throwable error) {
        try {
            return guard.adapterFailed(STACK, error);
        } catch (Throwable unanswerable) {
            abort(ctx, unanswerable);
            return null;
        }
    }

    /**
     * Ends the connection without an answer, its failure counted if the guard can still be
     * reached: nothing more of it reaches the application. Never throws.
     */
    private void abort(ChannelHandlerContext ctx, Throwable error) {
        refusing = true;
        pending = null;
        try {
            guard.internalError(STACK + " refusal", error);
        } catch (Throwable unreported) {
            // closing is what matters now
        }
        ctx.close();
    }

    /**
     * Feeds a chunk of the body to its meter: as read (after chunked decoding), or as a server-side
     * decompressor inflated it. Never throws.
     *
     * @return the refusal that cuts the request off, or {@code null} to pass the chunk on
     */
    private Refusal feed(HttpContent chunk, boolean inflated) {
        try {
            BodyMeter.Answer answer = inflated ? meter.addInflated(chunk.content().readableBytes())
                    : BodyBytes.add(meter, chunk.content());
            return answer == BodyMeter.Answer.GO_ON ? null : meter.refusal();
        } catch (Throwable error) {
            meter = null;
            return failed(requests, error);
        }
    }

    /**
     * Counts a chunk of a body as the server's decompressor hands it to the application: a small
     * compressed body may inflate far past the limit (design §4 Body). Never throws.
     *
     * @return {@code true} when the chunk must not reach the application (released by the caller)
     */
    boolean decodedBodyRead(HttpContent chunk) {
        if (unplugged) {
            return false;
        }
        if (refusing) {
            return true;
        }
        Refusal cutOff = meter == null ? null : feed(chunk, true);
        if (cutOff == null) {
            return refusing;
        }
        cutOff(requests, cutOff);
        return true;
    }

    /** Answers a request that was not passed on, as soon as the earlier ones are answered. */
    private void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        refusing = true;
        pending = refusal;
        pendingHead = headRequest;
        // Drain what the client still sends, see windDown; Reactor Netty reads on demand only.
        ctx.channel().config().setAutoRead(true);
        if (outstanding == 0) {
            answer();
        }
    }

    /** Ends a request whose head the application has, and part of its body. */
    private void cutOff(ChannelHandlerContext ctx, Refusal refusal) {
        if (outstanding == 0 || (outstanding == 1 && responding)) {
            // The application answered this very request already, or is answering it.
            refusing = true;
            ctx.close();
            return;
        }
        outstanding--; // the refusal answers it instead of the application
        refuse(ctx, refusal);
    }

    private void answer() {
        Refusal refusal = pending;
        pending = null;
        ChannelHandlerContext ctx = respondsHere ? requests : responses;
        try {
            // From where responses are followed towards the socket: through the encoder, past every
            // application handler.
            ctx.writeAndFlush(response(refusal, pendingHead)).addListener(WIND_DOWN);
        } catch (Throwable error) {
            abort(ctx, error);
        }
    }

    /**
     * Ends the connection once the refusal is written. Closing at once, with request bytes still
     * unread, would reset the connection, and a reset can destroy the refusal in the client's
     * buffers before it is read. So only our side ends first (FIN), what the client still sends is
     * drained meanwhile, and the channel closes when the client closes, or after {@link #LINGER_MILLIS}.
     */
    private static void windDown(ChannelFuture written) {
        Channel channel = written.channel();
        if (written.isSuccess() && channel instanceof DuplexChannel) {
            ((DuplexChannel) channel).shutdownOutput();
            channel.eventLoop().schedule((Runnable) channel::close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            channel.close();
        }
    }

    private static FullHttpResponse response(Refusal refusal, boolean head) {
        // The body array is shared by every refusal of its kind: Netty only reads it.
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(refusal.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(refusal.body()));
        HttpHeaders headers = response.headers();
        int count = refusal.headerCount(true);
        for (int i = 0; i < count; i++) {
            headers.set(refusal.lowerCaseHeaderName(i), refusal.headerValue(i));
        }
        return response;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (respondsHere) {
            respond(ctx, msg, promise);
        } else {
            ctx.write(msg, promise); // encoded already: the ResponseSide followed it
        }
    }

    /** One write of the application's, from where responses are followed. */
    void respond(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (unplugged) {
            ctx.write(msg, promise);
            return;
        }
        if (refusing && outstanding == 0) {
            // For the refused request or later: the connection closes without it.
            ReferenceCountUtil.release(msg);
            if (!promise.isVoid()) {
                promise.tryFailure(new ClosedChannelException());
            }
            return;
        }
        boolean finishes = msg instanceof HttpObject && finishesResponse((HttpObject) msg);
        ctx.write(msg, promise);
        if (finishes && outstanding > 0 && --outstanding == 0 && pending != null) {
            answer();
        }
    }

    /** Follows the application's responses: {@code true} when {@code msg} ends a final (non-1xx) one. */
    private boolean finishesResponse(HttpObject msg) {
        if (msg instanceof HttpResponse) {
            HttpResponseStatus status = ((HttpResponse) msg).status();
            interim = status.codeClass() == HttpStatusClass.INFORMATIONAL
                    && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
            responding = !interim;
        }
        if (!(msg instanceof LastHttpContent)) {
            return false;
        }
        boolean finishes = !interim;
        interim = false;
        responding = false;
        return finishes;
    }
}
