package dev.mcpguard.netty;

import io.netty.channel.ChannelPipeline;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code DefaultChannelPipeline}'s public add, replace and remove methods. Every call
 * but those of the placement itself acts (see {@link GatePlacement#enter}).
 */
final class PipelineChangeAdvice {

    private PipelineChangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean enter() {
        return GatePlacement.enter();
    }

    /** Also after a throw: the mutation may have happened in part, and the thread must be released. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This ChannelPipeline pipeline, @Advice.Enter boolean follow) {
        if (follow) {
            GatePlacement.exit(pipeline);
        }
    }
}
