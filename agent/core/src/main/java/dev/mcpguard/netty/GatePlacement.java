package dev.mcpguard.netty;

import dev.mcpguard.core.ActiveGuard;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContentDecoder;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.AttributeKey;
import java.util.Map;

/**
 * Keeps one {@link NettyGate} in every pipeline that decodes HTTP requests, right behind the request
 * decoder: before {@code HttpObjectAggregator} and every application handler, whatever order they
 * were added in, and where the codec goes again. Runs when a pipeline changes (mostly while a
 * connection is set up), never per request.
 *
 * <p>With a split codec ({@link HttpRequestDecoder} plus {@link HttpResponseEncoder}) whose encoder
 * sits further from the socket than the decoder, handlers between the two would see requests
 * before a gate placed behind the encoder: the gate stays behind the decoder, and a
 * {@link ResponseSide} behind the encoder follows the application's responses and writes the
 * gate's refusals through the encoder. Behind a request body decompressor a {@link DecodedBodyMeter}
 * has the gate count the body inflated, as the application reads it.
 */
public final class GatePlacement {
    static final String NAME = "mcpguard.gate";
    static final String RESPONSES = "mcpguard.responses";
    static final String DECODED_BODY = "mcpguard.decoded-body";

    /** Netty without its HTTP codec (in a Redis or gRPC client, say) serves no HTTP/1.x: nothing to place. */
    private static final boolean HTTP_CODEC = visible("io.netty.handler.codec.http.HttpServerCodec");
    /**
     * Netty's PROXY-protocol decoder, where the application has it: a connection whose pipeline
     * holds one is a relay ({@link #RELAYED}), whatever address its header claims. Reactor Netty
     * and Vert.x put it first and remove it once the header is read, before any request.
     */
    private static final Class<?> PROXY_PROTOCOL_DECODER = load("io.netty.handler.codec.haproxy.HAProxyMessageDecoder");
    /** Set on a socket channel that spoke the PROXY protocol; read per request, never cleared. */
    static final AttributeKey<Boolean> RELAYED = AttributeKey.valueOf("mcpguard.relayed");
    /** Set while this thread places a gate: the placement's own changes come back through the hook. */
    private static final ThreadLocal<Boolean> PLACING = new ThreadLocal<>();

    private GatePlacement() {
    }

    /**
     * @return {@code true} for a pipeline change the placement must follow, which must call {@link #exit}:
     *         every change but the placement's own. Not only the outermost one: an application may change
     *         the pipeline while another change runs, and traffic may pass in between (a decoder removed
     *         hands its buffered bytes on, and a handler that reads them sets up the HTTP codec: Vert.x
     *         after a PROXY-protocol header). The convenience overloads calling each other place the gate
     *         more than once, at connection set-up only.
     */
    public static boolean enter() {
        return HTTP_CODEC && PLACING.get() == null;
    }

    /** After a change: adds, moves or removes the gate as the pipeline now needs. Never throws. */
    public static void exit(ChannelPipeline pipeline) {
        PLACING.set(Boolean.TRUE);
        try {
            place(pipeline);
        } catch (Throwable error) {
            // Without its gate the connection would be served ungated: MCPGUARD_ON_ERROR decides,
            // and when it cannot be asked the connection is closed.
            if (!ActiveGuard.allowsAfter(NettyGate.STACK, error)) {
                pipeline.channel().close();
            }
        } finally {
            PLACING.remove();
        }
    }

    private static boolean visible(String className) {
        return load(className) != null;
    }

    private static Class<?> load(String className) {
        try {
            return Class.forName(className, false, GatePlacement.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static void place(ChannelPipeline pipeline) {
        String decoder = null; // the handler the gate must follow
        String encoder = null; // a separate response encoder further from the socket than the decoder
        NettyGate gate = null;
        String gateFollows = null;
        ResponseSide responses = null;
        String responsesFollow = null;
        String decompressor = null; // a request body decompressor behind the decoder
        DecodedBodyMeter meter = null;
        String meterFollows = null;
        String previous = null;
        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
            ChannelHandler handler = entry.getValue();
            if (PROXY_PROTOCOL_DECODER != null && PROXY_PROTOCOL_DECODER.isInstance(handler)) {
                pipeline.channel().attr(RELAYED).set(Boolean.TRUE);
            }
            if (handler instanceof NettyGate) {
                gate = (NettyGate) handler;
                gateFollows = previous;
                continue;
            }
            if (handler instanceof ResponseSide) {
                responses = (ResponseSide) handler;
                responsesFollow = previous;
                continue;
            }
            if (handler instanceof DecodedBodyMeter) {
                meter = (DecodedBodyMeter) handler;
                meterFollows = previous;
                continue;
            }
            if (decoder != null && decompressor == null && handler instanceof HttpContentDecoder) {
                decompressor = entry.getKey();
            }
            if (decoder == null && (handler instanceof HttpServerCodec || handler instanceof HttpRequestDecoder)) {
                decoder = entry.getKey();
            } else if (decoder != null && encoder == null && handler instanceof HttpResponseEncoder) {
                encoder = entry.getKey();
            }
            previous = entry.getKey();
        }
        if (decoder == null) {
            // The codec went (an upgrade to h2c or WebSocket): the gate stays, unplugged, passing
            // everything on. Removing it here would break servers that remove handlers by the
            // names they listed before (Vert.x's h2c upgrade does), and the protocol taking over is
            // gated where it is decoded (NettyHttp2Gate for HTTP/2, whose requests an adapter may still
            // hand down this pipeline as HttpRequests).
            if (gate != null) {
                gate.unplug(true);
            }
            return;
        }
        if (gate == null) {
            gate = new NettyGate();
            pipeline.addAfter(decoder, NAME, gate);
        } else {
            gate.unplug(false);
            if (!decoder.equals(gateFollows)) {
                pipeline.remove(gate);
                pipeline.addAfter(decoder, NAME, gate);
            }
        }
        if (encoder == null) {
            if (responses != null) {
                pipeline.remove(responses);
            }
            gate.respondHere();
        } else if (responses == null) {
            pipeline.addAfter(encoder, RESPONSES, new ResponseSide(gate));
        } else if (!encoder.equals(responsesFollow)) {
            pipeline.remove(responses);
            pipeline.addAfter(encoder, RESPONSES, responses);
        }
        if (decompressor == null) {
            if (meter != null) {
                pipeline.remove(meter);
            }
        } else if (meter == null || meter.gate() != gate) {
            if (meter != null) {
                pipeline.remove(meter);
            }
            pipeline.addAfter(decompressor, DECODED_BODY, new DecodedBodyMeter(gate));
        } else if (!decompressor.equals(meterFollows)) {
            pipeline.remove(meter);
            pipeline.addAfter(decompressor, DECODED_BODY, meter);
        }
    }
}
