package dev.mcpguard.netty;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Netty HTTP/2 servers (h2 over TLS, h2c by upgrade or prior knowledge): every server connection's
 * decoder reads its frames through an {@link NettyHttp2Gate}. Apart from {@link NettyInstrumentation}
 * because its helpers implement HTTP/2 types: they can only be defined where Netty's HTTP/2 codec is.
 */
public final class NettyHttp2Instrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.netty.";

    @Override
    public String family() {
        return NettyGate.STACK;
    }

    @Override
    public String supportedVersions() {
        return "Netty 4.1 – 4.2, also under Reactor Netty 1.1 – 1.3 and Vert.x 4";
    }

    @Override
    public List<String> helperClassNames() {
        // NettyGate holds the h2c upgrade mark both gates share; defined once per loader, whoever comes first.
        return List.of(PACKAGE + "NettyGate", PACKAGE + "NettyConnectionView", PACKAGE + "NettyRequestView", PACKAGE + "NettyHttp2RequestView",
                PACKAGE + "NettyHttp2Gate", PACKAGE + "NettyHttp2Gate$EndRequest", PACKAGE + "BodyBytes");
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder",
                named("frameListener").and(isPublic()).and(takesArguments(1))
                        .and(takesArgument(0, named("io.netty.handler.codec.http2.Http2FrameListener"))),
                PACKAGE + "FrameListenerAdvice"));
    }
}
