package dev.mcpguard.bind;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Server-socket binds: NIO {@code ServerSocketChannel} (Tomcat, Jetty, Undertow, the JDK
 * HttpServer, Netty's NIO transport), NIO2 {@code AsynchronousServerSocketChannel} (Tomcat's NIO2
 * connector), {@code java.net.ServerSocket}, and the server channels of Netty's native transports,
 * which bind natively: epoll, kqueue (BSD and macOS only), io_uring (Netty 4.2, and the 4.1
 * incubator). Each of those declares its own {@code doBind(SocketAddress)} that binds and listens.
 */
public final class BindInstrumentation implements ServerInstrumentation {
    private static final String FAMILY = "bind";
    private static final String ADVICE = "dev.mcpguard.bind.ChannelBindAdvice";

    @Override
    public String family() {
        return FAMILY;
    }

    /** Sockets, not requests: a JVM that binds one need not be a server mcpguard gates. */
    @Override
    public boolean guardsRequests() {
        return false;
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
                new Hook("sun.nio.ch.AsynchronousServerSocketChannelImpl",
                        named("bind").and(takesArguments(2)).and(takesArgument(0, named("java.net.SocketAddress"))), ADVICE),
                new Hook("java.net.ServerSocket",
                        named("bind").and(takesArguments(2)).and(takesArgument(0, named("java.net.SocketAddress"))), ADVICE),
                nettyNative("io.netty.channel.epoll.EpollServerSocketChannel"),
                nettyNative("io.netty.channel.kqueue.KQueueServerSocketChannel"),
                nettyNative("io.netty.channel.uring.IoUringServerSocketChannel"),
                nettyNative("io.netty.incubator.channel.uring.IOUringServerSocketChannel"));
    }

    private static Hook nettyNative(String serverChannel) {
        return new Hook(serverChannel,
                named("doBind").and(takesArguments(1)).and(takesArgument(0, named("java.net.SocketAddress"))), ADVICE);
    }

}
