package dev.mcpguard.netty;

import dev.mcpguard.agent.ServerInstrumentation;
import io.netty.channel.ChannelPipeline;
import net.bytebuddy.asm.Advice;

/**
 * The refusal when the gate helpers do not link against this Netty (a server on a version the
 * adapter does not fit, or no HTTP codec on the class path): a change to the pipeline of an accepted
 * connection throws, so the server fails the connection before the application sees it. A client's
 * channel (no parent) is none of the gates' business and goes on: a JVM whose Netty only connects
 * out (a Redis or Cassandra driver) must not lose its connections to an unfit server adapter.
 */
final class UnfitPipelineAdvice {

    private UnfitPipelineAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.This ChannelPipeline pipeline) {
        if (pipeline.channel().parent() != null) {
            throw new IllegalStateException(ServerInstrumentation.Hook.NOT_GATED);
        }
    }
}
