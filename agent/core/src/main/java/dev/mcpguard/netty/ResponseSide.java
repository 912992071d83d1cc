package dev.mcpguard.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * The response half of a {@link NettyGate} whose pipeline has a separate response encoder further
 * from the socket than the request decoder: sits right behind that encoder, where the
 * application's responses are still {@code HttpObject}s, and hands each write to the gate, which
 * also writes its refusals from here, through the encoder. Holds no state of its own.
 *
 * <p>{@code @Sharable} only so that {@link GatePlacement} can move this instance.
 */
@ChannelHandler.Sharable
public final class ResponseSide extends ChannelOutboundHandlerAdapter {
    private final NettyGate gate;

    ResponseSide(NettyGate gate) {
        this.gate = gate;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        gate.respondFrom(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        gate.respondHere();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        gate.respond(ctx, msg, promise);
    }
}
