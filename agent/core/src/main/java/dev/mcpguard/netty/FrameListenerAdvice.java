package dev.mcpguard.netty;

import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2FrameListener;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code DefaultHttp2ConnectionDecoder.frameListener(listener)}: a server
 * connection's decoder gets the {@link NettyHttp2Gate} in front of whatever listener the server sets.
 */
final class FrameListenerAdvice {

    private FrameListenerAdvice() {
    }

    /** {@link NettyHttp2Gate#wrap} never throws and applies {@code MCPGUARD_ON_ERROR} itself. */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Http2ConnectionDecoder decoder,
                      @Advice.Argument(value = 0, readOnly = false) Http2FrameListener listener) {
        listener = NettyHttp2Gate.wrap(decoder, listener);
    }
}
