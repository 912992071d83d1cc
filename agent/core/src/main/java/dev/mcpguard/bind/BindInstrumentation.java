package dev.mcpguard.bind;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Server-socket binds: NIO {@code ServerSocketChannel} (Tomcat, Jetty, Undertow, the JDK
 * HttpServer, Netty's NIO transport), {@code java.net.ServerSocket}, and Netty's epoll server
 * channel, which binds natively.
 */
public final class BindInstrumentation implements ServerInstrumentation {
    public static final String FAMILY = "bind";
    private static final String ADVICE = "dev.mcpguard.bind.ChannelBindAdvice";

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public String supportedVersions() {
        return "the JDK's server sockets, Java 17 and later; Netty 4.1 – 4.2 epoll";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(); // BindGate is on the bootstrap class path, visible from every loader
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                new Hook("sun.nio.ch.ServerSocketChannelImpl",
                        named("bind").and(takesArguments(2)).and(takesArgument(0, named("java.net.SocketAddress"))), ADVICE),
                new Hook("java.net.ServerSocket",
                        named("bind").and(takesArguments(2)).and(takesArgument(0, named("java.net.SocketAddress"))), ADVICE),
                new Hook("io.netty.channel.epoll.EpollServerSocketChannel",
                        named("doBind").and(takesArguments(1)).and(takesArgument(0, named("java.net.SocketAddress"))), ADVICE));
    }

}
