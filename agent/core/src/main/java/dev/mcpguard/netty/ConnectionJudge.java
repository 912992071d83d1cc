package dev.mcpguard.netty;

import dev.mcpguard.bind.UngatedListeners;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ServerChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Map;

/**
 * Judges a Netty server connection once, at the first message a decoder passes on (TLS decrypts
 * and protocol detection hands over outside that path, so this is what the protocol's own decoder
 * made of the bytes): by then a codec the agent gates has its gate in the pipeline
 * ({@link GatePlacement}), or is HTTP/2, whose decoder reads through {@link NettyHttp2Gate}. A connection
 * with neither belongs to a listener no gated family owns (design §6): named once per listener,
 * closed under {@code MCPGUARD_UNGATED_LISTENERS=refuse}.
 */
public final class ConnectionJudge {
    private static final AttributeKey<Boolean> JUDGED = AttributeKey.valueOf("mcpguard.listener.judged");
    private static final String HTTP2_HANDLER = "io.netty.handler.codec.http2.Http2ConnectionHandler";
    /** Decodes the PROXY header in front of the protocol, not the protocol: a server may add its codec after it. */
    private static final String PROXY_HEADER_DECODER = "io.netty.handler.codec.haproxy.HAProxyMessageDecoder";

    private ConnectionJudge() {
    }

    /**
     * @param decoder the context of the decoder passing {@code decoded} on
     * @return whether the connection was refused: the messages are released and it is closing. Never throws.
     */
    public static boolean refused(ChannelHandlerContext decoder, List<Object> decoded, int count) {
        try {
            if (count == 0 || decoder.handler().getClass().getName().equals(PROXY_HEADER_DECODER)) {
                return false;
            }
            Channel channel = decoder.channel();
            Channel listener = channel.parent();
            if (!(listener instanceof ServerChannel) || channel.hasAttr(JUDGED)) {
                return false; // a client, an HTTP/2 stream, or judged already
            }
            channel.attr(JUDGED).set(Boolean.TRUE);
            if (gated(channel.pipeline())
                    || !UngatedListeners.ungatedConnection(String.valueOf(listener.localAddress()),
                            decoder.handler().getClass().getName())) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                ReferenceCountUtil.release(decoded.get(i));
            }
            channel.close();
            return true;
        } catch (Throwable error) {
            return false; // judging is a report; the request gates, where they are, still run
        }
    }

    private static boolean gated(ChannelPipeline pipeline) {
        if (pipeline.get(GatePlacement.NAME) != null) {
            return true;
        }
        for (Map.Entry<String, ChannelHandler> entry : pipeline) {
            for (Class<?> type = entry.getValue().getClass(); type != null; type = type.getSuperclass()) {
                if (type.getName().equals(HTTP2_HANDLER)) {
                    return true;
                }
            }
        }
        return false;
    }
}
