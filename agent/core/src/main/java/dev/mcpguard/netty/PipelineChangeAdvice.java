package dev.mcpguard.netty;

import io.netty.channel.ChannelPipeline;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code DefaultChannelPipeline}'s public add, replace and remove methods. Only the
 * outermost call on a thread acts: the convenience overloads call each other, and the placement's
 * own changes come back through here.
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
    static void exit(@Advice.This ChannelPipeline pipeline, @Advice.Enter boolean outermost) {
        if (outermost) {
            GatePlacement.exit(pipeline);
        }
    }
}
