package dev.mcpguard.netty;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.BodyMeter;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Gates the HTTP/2 streams of one Netty server connection, as the frame listener its decoder
 * calls first. Every Netty HTTP/2 server reads requests through that listener, whatever it
 * builds on top: {@code Http2FrameCodec} with {@code Http2MultiplexHandler} child channels
 * (Reactor Netty), {@code InboundHttp2ToHttpAdapter}, Vert.x's connection handler, gRPC.
 * Injected into Netty's class loader; holds no policy.
 *
 * <p>Each stream is one request. A refused stream is answered on that stream only (HEADERS, then
 * DATA ending it, then {@code RST_STREAM NO_ERROR} if the client is still sending, RFC 9113
 * §8.1) and never reaches the application; the connection and its other streams go on. A body
 * without a declared length is counted in DATA frames and cut at the limit: with the refusal
 * while the application has not answered, else by resetting the stream.
 *
 * <p>The h2c upgrade's first request was an HTTP/1.1 request, gated by {@link NettyGate} before
 * the upgrade: it is not gated a second time when it comes back here as stream 1.
 */
public final class NettyHttp2Gate implements Http2FrameListener {
    /** Marks a stream whose frames are dropped: refused, or cut at the body limit. */
    private static final Object REFUSED = new Object();
    private static final String HEAD = "HEAD";

    /** Marks a stream whose request was let through: later HEADERS on it are trailers. */
    private static final Object ADMITTED = new Object();

    private final Guard guard = ActiveGuard.get();
    private final Http2FrameListener next;
    private final Http2Connection connection;
    /** Per stream: {@link #REFUSED}, {@link #ADMITTED}, its {@link BodyMeter}, or nothing before its first HEADERS. */
    private final Http2Connection.PropertyKey streamState;
    /**
     * Per stream: the verdict of its admitted request, current on the event loop while its frames
     * go on to the application; {@code null} (no key) while the EGRESS gate is off.
     */
    private final Http2Connection.PropertyKey admittedRequest;
    /**
     * Set when this connection could not be gated and {@code MCPGUARD_ON_ERROR=deny}: every stream
     * gets it; {@code null} then ({@link #streamState} is) when not even the refusal could be had,
     * and every stream is reset.
     */
    private final Refusal broken;

    private NettyHttp2Gate(Http2FrameListener next, Http2Connection connection, Http2Connection.PropertyKey streamState,
                      Http2Connection.PropertyKey admittedRequest, Refusal broken) {
        this.next = next;
        this.connection = connection;
        this.streamState = streamState;
        this.admittedRequest = admittedRequest;
        this.broken = broken;
    }

    /**
     * The listener a server decoder gets instead of {@code listener}. A listener set again (Vert.x
     * swaps its own once SETTINGS arrive) keeps the connection's stream states. Never throws.
     */
    public static Http2FrameListener wrap(Http2ConnectionDecoder decoder, Http2FrameListener listener) {
        if (listener == null || listener instanceof NettyHttp2Gate) {
            return listener;
        }
        Http2Connection connection = decoder.connection(); // a field read: the gate's one fact it cannot do without
        try {
            if (!connection.isServer()) {
                return listener;
            }
            Http2FrameListener current = decoder.frameListener();
            NettyHttp2Gate previous = current instanceof NettyHttp2Gate ? (NettyHttp2Gate) current : null;
            Http2Connection.PropertyKey streamState = previous != null ? previous.streamState : connection.newKey();
            Http2Connection.PropertyKey admittedRequest = previous != null ? previous.admittedRequest
                    : InboundRequests.tracked() ? connection.newKey() : null;
            return new NettyHttp2Gate(listener, connection, streamState, admittedRequest, null);
        } catch (Throwable error) {
            Refusal refusal;
            try {
                refusal = ActiveGuard.get().adapterFailed(NettyGate.STACK, error);
                if (refusal == null) {
                    return listener;
                }
            } catch (Throwable unanswerable) {
                refusal = null; // not even a refusal to send: every stream is reset
            }
            return new NettyHttp2Gate(listener, connection, null, null, refusal);
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                              boolean endOfStream) throws Http2Exception {
        if (admit(ctx, streamId, headers, endOfStream)) {
            Verdict previous = enter(streamId);
            try {
                next.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
            } finally {
                InboundRequests.restore(previous);
            }
        }
    }

    @Override
    public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                              short weight, boolean exclusive, int padding, boolean endOfStream) throws Http2Exception {
        if (admit(ctx, streamId, headers, endOfStream)) {
            Verdict previous = enter(streamId);
            try {
                next.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
            } finally {
                InboundRequests.restore(previous);
            }
        }
    }

    /**
     * Makes the stream's admitted request current for the frame going on: the application may act
     * on it within the call. Never throws.
     *
     * @return what was current before, for {@link InboundRequests#restore}
     */
    private Verdict enter(int streamId) {
        if (admittedRequest == null) {
            return InboundRequests.enter(null);
        }
        Http2Stream stream = connection.stream(streamId);
        return InboundRequests.enter(stream == null ? null : stream.getProperty(admittedRequest));
    }

    /** Gates a stream's request head, or lets trailers follow their stream's fate. Never throws. */
    private boolean admit(ChannelHandlerContext ctx, int streamId, Http2Headers headers, boolean endOfStream) {
        Refusal refusal;
        boolean head = false;
        try {
            CharSequence method = headers.method(); // none in trailers
            head = method != null && HEAD.contentEquals(method);
            if (streamState == null) {
                Http2Stream stream = connection.stream(streamId);
                if (stream != null && (stream.isHeadersSent() || stream.isResetSent())) {
                    return false; // trailers of a stream refused already
                }
                if (broken == null) {
                    reset(ctx, streamId, Http2Error.INTERNAL_ERROR);
                    return false;
                }
                refusal = broken;
            } else {
                Http2Stream stream = connection.stream(streamId);
                Object state = stream == null ? null : stream.getProperty(streamState);
                if (state != null) {
                    return state != REFUSED; // trailers
                }
                if (streamId == 1 && stream != null && ctx.channel().hasAttr(NettyGate.UPGRADE_GATED)
                        && ctx.channel().attr(NettyGate.UPGRADE_GATED).getAndSet(null) != null) {
                    stream.setProperty(streamState, ADMITTED); // the upgraded request, gated as HTTP/1.1
                    return true;
                }
                NettyHttp2RequestView view = new NettyHttp2RequestView(headers, ctx.channel());
                Verdict verdict = guard.checkOrFail(view, NettyGate.STACK);
                refusal = verdict.refusal();
                if (refusal == null) {
                    if (stream != null) {
                        BodyMeter meter = verdict.bodyMeter();
                        stream.setProperty(streamState, meter != null && !endOfStream ? meter : ADMITTED);
                        if (admittedRequest != null) {
                            stream.setProperty(admittedRequest, verdict);
                        }
                    }
                    return true;
                }
            }
        } catch (Throwable error) {
            return failed(ctx, streamId, endOfStream, head, error);
        }
        refuse(ctx, streamId, refusal, endOfStream, head);
        return false;
    }

    /**
     * This adapter's own failure on a stream: reported, then what {@code MCPGUARD_ON_ERROR} says
     * ({@link Guard#adapterFailed}); when not even that can be had (the guard unreachable, a core
     * class that does not link), the stream is reset. Never throws.
     *
     * @return whether the stream goes on to the application
     */
    private boolean failed(ChannelHandlerContext ctx, int streamId, boolean requestEnded, boolean head, Throwable error) {
        try {
            Refusal refusal = guard.adapterFailed(NettyGate.STACK, error);
            if (refusal == null) {
                return true;
            }
            refuse(ctx, streamId, refusal, requestEnded, head);
        } catch (Throwable unanswerable) {
            abort(ctx, streamId, unanswerable);
        }
        return false;
    }

    /** Resets the stream unanswered, its failure counted if the guard can still be reached. Never throws. */
    private void abort(ChannelHandlerContext ctx, int streamId, Throwable error) {
        try {
            guard.internalError(NettyGate.STACK + " HTTP/2 refusal", error);
        } catch (Throwable unreported) {
            // resetting is what matters now
        }
        reset(ctx, streamId, Http2Error.INTERNAL_ERROR);
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        if (streamState == null) {
            return data.readableBytes() + padding; // every stream is refused
        }
        Http2Stream stream = connection.stream(streamId);
        Object state = stream == null ? null : stream.getProperty(streamState);
        if (state == REFUSED) {
            return data.readableBytes() + padding; // dropped unread, and its flow-control credit given back
        }
        if (state instanceof BodyMeter && !admitData(ctx, stream, (BodyMeter) state, data, endOfStream)) {
            return data.readableBytes() + padding;
        }
        Verdict previous = enter(streamId);
        try {
            return next.onDataRead(ctx, streamId, data, padding, endOfStream);
        } finally {
            InboundRequests.restore(previous);
        }
    }

    /** Feeds a DATA frame of a counted body to its meter; cuts the stream when it says so. Never throws. */
    private boolean admitData(ChannelHandlerContext ctx, Http2Stream stream, BodyMeter meter, ByteBuf data,
                              boolean endOfStream) {
        Refusal refusal;
        try {
            if (BodyBytes.add(meter, data) == BodyMeter.Answer.GO_ON) {
                return true;
            }
            refusal = meter.refusal();
        } catch (Throwable error) {
            stream.setProperty(streamState, ADMITTED); // no longer counted
            if (stream.isHeadersSent()) {
                if (!ActiveGuard.allowsAfter(NettyGate.STACK, error)) {
                    stream.setProperty(streamState, REFUSED);
                    reset(ctx, stream.id(), Http2Error.CANCEL);
                    return false;
                }
                return true;
            }
            return failed(ctx, stream.id(), endOfStream, false, error);
        }
        if (stream.isHeadersSent()) {
            // The application has answered already: the request can only be cut off.
            stream.setProperty(streamState, REFUSED);
            reset(ctx, stream.id(), Http2Error.CANCEL);
        } else {
            refuse(ctx, stream.id(), refusal, endOfStream, false);
        }
        return false;
    }

    /**
     * Answers a stream with the refusal, on the connection handler that owns this listener.
     * Written towards the socket from the handler itself, so no application handler sees it.
     */
    /** @param head a {@code HEAD} request: its answer has headers only (RFC 9110 §9.3.2), the stream ending with them */
    private void refuse(ChannelHandlerContext ctx, int streamId, Refusal refusal, boolean requestEnded, boolean head) {
        Http2Stream stream = connection.stream(streamId);
        if (stream != null && streamState != null) {
            stream.setProperty(streamState, REFUSED);
        }
        try {
            Http2ConnectionHandler handler = (Http2ConnectionHandler) ctx.handler();
            ChannelPromise sent = ctx.newPromise();
            if (head) {
                handler.encoder().writeHeaders(ctx, streamId, head(refusal), 0, true, sent);
            } else {
                handler.encoder().writeHeaders(ctx, streamId, head(refusal), 0, false, ctx.newPromise());
                // The body array is shared by every refusal of its kind: Netty only reads it.
                handler.encoder().writeData(ctx, streamId, Unpooled.wrappedBuffer(refusal.body()), 0, true, sent);
            }
            if (!requestEnded) {
                sent.addListener(new EndRequest(this, ctx, streamId));
            }
            handler.flush(ctx);
        } catch (Throwable error) {
            abort(ctx, streamId, error);
        }
    }

    /**
     * Once a refusal is out, asks a client still sending the request body to stop (RFC 9113 §8.1).
     * A class of its own, not a lambda: a lambda's call site in this injected helper failed to
     * link (NoClassDefFoundError on the HTTP/2 type the helper implements).
     */
    private static final class EndRequest implements ChannelFutureListener {
        private final NettyHttp2Gate gate;
        private final ChannelHandlerContext ctx;
        private final int streamId;

        EndRequest(NettyHttp2Gate gate, ChannelHandlerContext ctx, int streamId) {
            this.gate = gate;
            this.ctx = ctx;
            this.streamId = streamId;
        }

        @Override
        public void operationComplete(ChannelFuture written) {
            Http2Stream stream = gate.connection.stream(streamId);
            if (written.isSuccess() && stream != null && stream.state().remoteSideOpen()) {
                gate.reset(ctx, streamId, Http2Error.NO_ERROR);
            }
        }
    }

    private void reset(ChannelHandlerContext ctx, int streamId, Http2Error error) {
        try {
            ChannelHandler handler = ctx.handler();
            if (handler instanceof Http2ConnectionHandler) {
                ((Http2ConnectionHandler) handler).resetStream(ctx, streamId, error.code(), ctx.newPromise());
                ctx.flush();
            } else {
                ctx.close(); // not a connection Netty's handler owns: only closing it keeps the stream from the application
            }
        } catch (Throwable failure) {
            ctx.close();
            try {
                guard.internalError(NettyGate.STACK + " HTTP/2 reset", failure);
            } catch (Throwable unreported) {
                // closed: nothing more reaches the application
            }
        }
    }

    private static Http2Headers head(Refusal refusal) {
        Http2Headers headers = new DefaultHttp2Headers()
                .status(HttpResponseStatus.valueOf(refusal.status()).codeAsText());
        int count = refusal.headerCount(false);
        for (int i = 0; i < count; i++) {
            headers.set(refusal.lowerCaseHeaderName(i), refusal.headerValue(i));
        }
        return headers;
    }

    @Override
    public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                               boolean exclusive) throws Http2Exception {
        next.onPriorityRead(ctx, streamId, streamDependency, weight, exclusive);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) throws Http2Exception {
        next.onRstStreamRead(ctx, streamId, errorCode);
    }

    @Override
    public void onSettingsAckRead(ChannelHandlerContext ctx) throws Http2Exception {
        next.onSettingsAckRead(ctx);
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
        next.onSettingsRead(ctx, settings);
    }

    @Override
    public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        next.onPingRead(ctx, data);
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
        next.onPingAckRead(ctx, data);
    }

    @Override
    public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId, Http2Headers headers,
                                  int padding) throws Http2Exception {
        next.onPushPromiseRead(ctx, streamId, promisedStreamId, headers, padding);
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData)
            throws Http2Exception {
        next.onGoAwayRead(ctx, lastStreamId, errorCode, debugData);
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement)
            throws Http2Exception {
        next.onWindowUpdateRead(ctx, streamId, windowSizeIncrement);
    }

    @Override
    public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags,
                               ByteBuf payload) throws Http2Exception {
        next.onUnknownFrame(ctx, frameType, streamId, flags, payload);
    }
}
