package dev.mcpguard.netty;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Netty listeners (design §6, no listener in silence): Netty binds for every server built on it,
 * so its listeners are judged by their connections, at the first message a decoder passes on
 * ({@link ConnectionJudge}). Both overloads of {@code ByteToMessageDecoder.fireChannelRead}, the
 * one way a decoder's output leaves it, in Netty 4.1 and 4.2.
 */
public final class NettyListenerInstrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.netty.";

    @Override
    public String family() {
        return NettyGate.STACK;
    }

    @Override
    public String supportedVersions() {
        return "Netty 4.1 – 4.2";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "ConnectionJudge");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("io.netty.handler.codec.ByteToMessageDecoder",
                named("fireChannelRead").and(isStatic()).and(takesArguments(3))
                        .and(takesArgument(0, named("io.netty.channel.ChannelHandlerContext"))),
                PACKAGE + "DecodedReadAdvice"));
    }
}
