package dev.mcpguard.netty;

import dev.mcpguard.core.ActiveGuard;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.AttributeKey;
import java.util.Map;

/**
 * Keeps one {@link NettyGate} in every pipeline that decodes HTTP requests, right behind the server
 * codec: before {@code HttpObjectAggregator} and every application handler, whatever order they
 * were added in, and where the codec goes again. Runs when a pipeline changes (mostly while a
 * connection is set up), never per request.
 *
 * <p>With a split codec ({@link HttpRequestDecoder} plus {@link HttpResponseEncoder}) the gate
 * follows whichever half comes later: it writes its refusal towards the socket, so the encoder
 * must be on that side of it.
 */
public final class GatePlacement {
    static final String NAME = "mcpguard.gate";

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
            // Without its gate the connection would be served ungated: MCPGUARD_ON_ERROR decides.
            if (ActiveGuard.get().adapterFailed(NettyGate.STACK, error) != null) {
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
        String anchor = null; // the handler the gate must follow
        NettyGate gate = null;
        String gateFollows = null;
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
            if (handler instanceof HttpServerCodec || handler instanceof HttpRequestDecoder
                    || (handler instanceof HttpResponseEncoder && anchor != null)) { // a split codec's later half
                anchor = entry.getKey();
            }
            previous = entry.getKey();
        }
        if (anchor == null) {
            // The codec went (an upgrade to h2c or WebSocket): the gate stays, unplugged, passing
            // everything on. Removing it here would break servers that remove handlers by the
            // names they listed before (Vert.x's h2c upgrade does), and the protocol taking over is
            // gated where it is decoded (Http2Gate for HTTP/2, whose requests an adapter may still
            // hand down this pipeline as HttpRequests).
            if (gate != null) {
                gate.unplug(true);
            }
            return;
        }
        if (gate == null) {
            pipeline.addAfter(anchor, NAME, new NettyGate());
            return;
        }
        gate.unplug(false);
        if (!anchor.equals(gateFollows)) {
            pipeline.remove(gate);
            pipeline.addAfter(anchor, NAME, gate);
        }
    }
}
