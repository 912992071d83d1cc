package dev.mcpguard.netty;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Netty 4.1 HTTP/1.x servers, Reactor Netty (so Spring WebFlux) included: every change to a channel
 * pipeline places the gate handler right behind the server codec.
 */
public final class NettyInstrumentation implements ServerInstrumentation {
    private static final String FAMILY = NettyGate.STACK;

    private static final String PACKAGE = "dev.mcpguard.netty.";

    @Override
    public String family() {
        return FAMILY;
    }

    /** The gate joins a pipeline when it changes: an accepted connection's pipeline was built already. */
    @Override
    public List<String> attachLimits() {
        return List.of("netty connections accepted before the attach are not gated; new connections are");
    }

    @Override
    public List<String> listenerPackages() {
        return List.of("io.netty.");
    }

    @Override
    public String unfitRefusal() {
        return "its accepted connections fail as they are set up, so no request reaches the application "
                + "(connections it opens as a client go on)";
    }

    @Override
    public String supportedVersions() {
        return "Netty 4.1 – 4.2, also under Reactor Netty 1.1 – 1.3 and Vert.x 4";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(PACKAGE + "GatePlacement", PACKAGE + "NettyGate", PACKAGE + "ResponseSide",
                PACKAGE + "DecodedBodyMeter", PACKAGE + "NettyConnectionView", PACKAGE + "NettyRequestView",
                PACKAGE + "BodyBytes");
    }

    @Override
    public List<Hook> hooks() {
        // Every public mutator: additions can bring a codec or land between it and the gate,
        // replacements and removals can take the codec away.
        return List.of(new Hook("io.netty.channel.DefaultChannelPipeline",
                namedOneOf("addFirst", "addLast", "addBefore", "addAfter", "replace",
                        "remove", "removeIfExists", "removeFirst", "removeLast").and(isPublic()),
                PACKAGE + "PipelineChangeAdvice", PACKAGE + "UnfitPipelineAdvice"));
    }
}
