package dev.mcpguard.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits right behind a server-side decompressor ({@code HttpContentDecompressor}, Vert.x's request
 * inflater) and has its {@link NettyGate} count the body as the application will read it,
 * inflated. Holds no state of its own.
 *
 * <p>{@code @Sharable} only so that {@link GatePlacement} can move this instance.
 */
@ChannelHandler.Sharable
public final class DecodedBodyMeter extends ChannelInboundHandlerAdapter {
    private final NettyGate gate;

    DecodedBodyMeter(NettyGate gate) {
        this.gate = gate;
    }

    NettyGate gate() {
        return gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent && gate.decodedBodyRead((HttpContent) msg)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
