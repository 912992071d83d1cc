package dev.mcpguard.netty;

import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import net.bytebuddy.asm.Advice;

/** Inlined into {@code ByteToMessageDecoder.fireChannelRead}: what a decoder made of a connection's bytes. */
final class DecodedReadAdvice {

    private DecodedReadAdvice() {
    }

    /** Skips passing the messages on when the connection was refused. */
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(@Advice.Argument(0) ChannelHandlerContext decoder, @Advice.Argument(1) List<Object> decoded,
                         @Advice.Argument(2) int count) {
        return ConnectionJudge.refused(decoder, decoded, count);
    }
}
