package dev.mcpguard.agent;

/**
 * The types whose loading starts the agent: every hooked type and every server type the agent
 * reports as unguarded. Written out, not derived from the instrumentations, because deriving
 * them loads Byte Buddy's matchers, the cost a JVM without a server must not pay; a test checks
 * this list against the instrumentations.
 */
final class ActivationTriggers {
    static final String[] TYPES = {
        "fi.iki.elonen.NanoHTTPD",
        "io.helidon.webserver.WebServer",
        "io.netty.channel.DefaultChannelPipeline",
        "io.netty.channel.epoll.EpollServerSocketChannel",
        "io.netty.channel.kqueue.KQueueServerSocketChannel",
        "io.netty.channel.uring.IoUringServerSocketChannel",
        "io.netty.handler.codec.ByteToMessageDecoder",
        "io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder",
        "io.netty.handler.codec.quic.QuicCodecBuilder",
        "io.netty.incubator.channel.uring.IOUringServerSocketChannel",
        "io.netty.incubator.codec.quic.QuicCodecBuilder",
        "io.undertow.server.Connectors",
        "io.undertow.server.HttpServerExchange",
        "io.undertow.server.protocol.http2.Http2ReceiveListener",
        "java.net.ServerSocket",
        "org.apache.catalina.connector.CoyoteAdapter",
        "org.apache.coyote.Request",
        "org.apache.coyote.ajp.AjpProcessor",
        "org.apache.hc.core5.http.impl.bootstrap.HttpServer",
        "org.eclipse.jetty.server.HttpConfiguration",
        "org.eclipse.jetty.server.HttpInput",
        "org.eclipse.jetty.server.Server",
        "org.eclipse.jetty.server.handler.gzip.GzipRequest",
        "org.glassfish.grizzly.http.server.HttpServer",
        "sun.net.httpserver.ContextList",
        "sun.net.httpserver.HttpContextImpl",
        "sun.net.httpserver.ServerImpl",
        "sun.nio.ch.AsynchronousServerSocketChannelImpl",
        "sun.nio.ch.ServerSocketChannelImpl",
    };

    private ActivationTriggers() {
    }
}
