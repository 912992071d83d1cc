package dev.mcpguard.egress;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * The application's outbound connections. In the JDK every TCP connect — {@code java.net.Socket}
 * and its connecting constructors, {@code SocketChannel} (and so the JDK HttpClient, Netty's NIO
 * transport, Apache HttpClient, OkHttp), {@code AsynchronousSocketChannel} — and every datagram
 * socket's connect goes through {@code sun.nio.ch.Net.connect} with the resolved address; a datagram
 * sent unconnected goes through {@code DatagramChannelImpl}'s one private {@code send}
 * ({@code DatagramSocket} is built on it). Java 17 still has the legacy socket implementations a
 * system property selects, which connect and send natively: hooked too. Netty's native transports (epoll, kqueue) connect and
 * send through {@code io.netty.channel.unix.Socket}, and epoll batches datagrams (sendmmsg) in
 * {@code NativeDatagramPacketArray}; copies of those a library relocated into its own packages
 * ({@code grpc-netty-shaded}, used by Google's cloud clients) are hooked too. Installed only when
 * the EGRESS gate is on.
 */
public final class EgressInstrumentation implements ServerInstrumentation {
    private static final String PACKAGE = "dev.mcpguard.egress.";

    @Override
    public String family() {
        return "egress";
    }

    /** Sockets, not requests: every JVM connects somewhere. */
    @Override
    public boolean guardsRequests() {
        return false;
    }

    @Override
    public String supportedVersions() {
        return "the JDK's sockets, Java 17 and later; Netty 4.1 – 4.2 epoll and kqueue";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of(); // EgressGate is on the bootstrap class path, visible from every loader
    }

    @Override
    public List<Hook> hooks() {
        return List.of(
                new Hook("sun.nio.ch.Net",
                        named("connect").and(takesArguments(4)).and(takesArgument(2, named("java.net.InetAddress"))),
                        PACKAGE + "AddressAt2Advice"),
                new Hook("sun.nio.ch.DatagramChannelImpl",
                        named("send").and(takesArguments(3)).and(takesArgument(0, named("java.io.FileDescriptor")))
                                .and(takesArgument(2, named("java.net.InetSocketAddress"))),
                        PACKAGE + "SocketAddressAt2Advice"),
                // Java 17's legacy implementations, still selectable there by a system property
                new Hook("java.net.AbstractPlainSocketImpl",
                        named("doConnect").and(takesArguments(3)).and(takesArgument(0, named("java.net.InetAddress"))),
                        PACKAGE + "AddressAt0Advice"),
                new Hook("java.net.AbstractPlainDatagramSocketImpl",
                        named("connect").and(takesArguments(2)).and(takesArgument(0, named("java.net.InetAddress"))),
                        PACKAGE + "AddressAt0Advice"),
                new Hook("java.net.AbstractPlainDatagramSocketImpl",
                        named("send").and(takesArguments(1)).and(takesArgument(0, named("java.net.DatagramPacket"))),
                        PACKAGE + "DatagramPacketAdvice"),
                new Hook("io.netty.channel.unix.Socket",
                        named("connect").and(takesArguments(1)).and(takesArgument(0, named("java.net.SocketAddress"))),
                        PACKAGE + "SocketAddressAt0Advice").relocatable(),
                new Hook("io.netty.channel.unix.Socket",
                        namedOneOf("sendTo", "sendToAddress").and(takesArgument(3, named("java.net.InetAddress"))),
                        PACKAGE + "AddressAt3Advice").relocatable(),
                new Hook("io.netty.channel.unix.Socket",
                        named("sendToAddresses").and(takesArgument(2, named("java.net.InetAddress"))),
                        PACKAGE + "AddressAt2Advice").relocatable(),
                new Hook("io.netty.channel.epoll.NativeDatagramPacketArray",
                        named("add0").and(takesArgument(4, named("java.net.InetSocketAddress"))),
                        PACKAGE + "NativeBatchAdvice").relocatable());
    }
}
