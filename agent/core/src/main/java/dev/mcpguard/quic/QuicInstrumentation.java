package dev.mcpguard.quic;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Netty's QUIC codecs, under HTTP/3 servers (Reactor Netty's {@code HTTP3}, Netty's
 * {@code Http3ServerConnectionHandler}): mcpguard cannot gate QUIC streams, so a QUIC server codec
 * is never built (design §4: a protocol the agent cannot gate is refused, not served ungated).
 * Both the incubator codec (Netty 4.1) and Netty 4.2's.
 */
public final class QuicInstrumentation implements ServerInstrumentation {
    private static final String FAMILY = "quic (refused)";
    private static final String ADVICE = "dev.mcpguard.quic.QuicBuildAdvice";

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public String supportedVersions() {
        return "Netty's QUIC codecs, refused in every version";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(); // QuicGate is on the bootstrap class path and names no Netty type
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                new Hook("io.netty.incubator.codec.quic.QuicCodecBuilder",
                        named("build").and(isPublic()).and(takesArguments(0)), ADVICE),
                new Hook("io.netty.handler.codec.quic.QuicCodecBuilder",
                        named("build").and(isPublic()).and(takesArguments(0)), ADVICE));
    }
}
