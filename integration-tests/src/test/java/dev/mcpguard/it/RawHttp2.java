package dev.mcpguard.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpClientUpgradeHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ClientUpgradeCodec;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * One HTTP/2 connection to 127.0.0.1, on Netty's HTTP/2 client, for requests no well-behaved client would send:
 * any {@code :authority}, any header, a body with or without {@code content-length}, cut into DATA frames of the
 * size the test chooses, or only announced and never sent. Several streams may share the connection.
 *
 * <p>Headers are not validated on either side: a response header that HTTP/2 forbids ({@code connection}) is
 * reported as it came, for the test to reject, instead of turning into a PROTOCOL_ERROR the test could not read.
 * Every wait is bounded, so that a server that hangs fails the test instead of hanging the build.
 */
final class RawHttp2 implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Shared by every connection of the run; daemon threads, so that nothing outlives the tests. */
    private static final EventLoopGroup GROUP = new NioEventLoopGroup(2, new DefaultThreadFactory("raw-http2", true));

    /** How the connection comes to speak HTTP/2. */
    enum Protocol {
        /** h2c: the client preface at once on a cleartext connection (RFC 9113 §3.3). */
        PRIOR_KNOWLEDGE("h2c-prior-knowledge"),
        /** h2c: an HTTP/1.1 request with {@code Upgrade: h2c}, answered on stream 1 (RFC 7540 §3.2). */
        UPGRADE("h2c-upgrade"),
        /** h2 over TLS, chosen by ALPN; the server's certificate is trusted whatever it is. */
        TLS("h2-tls");

        private final String label;

        Protocol(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * One request, one stream.
     *
     * @param authority    {@code :authority}; null: {@code 127.0.0.1:<port>}
     * @param headers      regular headers, sent in this order (names in lower case, as HTTP/2 wants them)
     * @param body         null: HEADERS ends the stream; otherwise DATA frames of at most {@code frameSize} bytes,
     *                     the last one ending the stream
     * @param declaredLength the {@code content-length} sent; null: none
     * @param sendBody     false: only HEADERS is sent and the stream is left open, as if the body were to follow
     */
    record StreamRequest(String method, String path, String authority, List<Map.Entry<String, String>> headers,
            byte[] body, Long declaredLength, int frameSize, boolean sendBody) {

        StreamRequest {
            headers = List.copyOf(headers);
        }

        static StreamRequest get(String path) {
            return new StreamRequest("GET", path, null, List.of(), null, null, 16384, true);
        }

        static StreamRequest post(String path) {
            return new StreamRequest("POST", path, null, List.of(), null, null, 16384, true);
        }

        StreamRequest header(String name, String value) {
            List<Map.Entry<String, String>> more = new ArrayList<>(headers);
            more.add(Map.entry(name.toLowerCase(Locale.ROOT), value));
            return new StreamRequest(method, path, authority, more, body, declaredLength, frameSize, sendBody);
        }

        StreamRequest bearer(String token) {
            return header("authorization", "Bearer " + token);
        }

        StreamRequest authority(String value) {
            return new StreamRequest(method, path, value, headers, body, declaredLength, frameSize, sendBody);
        }

        /** The body with its true {@code content-length}, in DATA frames of {@code frameSize} bytes. */
        StreamRequest body(byte[] bytes, int frameSize) {
            return new StreamRequest(method, path, authority, headers, bytes.clone(), (long) bytes.length, frameSize, true);
        }

        /** The body without {@code content-length}: its end is the end of the stream. */
        StreamRequest streamed(byte[] bytes, int frameSize) {
            return new StreamRequest(method, path, authority, headers, bytes.clone(), null, frameSize, true);
        }

        /** {@code content-length: length} and nothing else: the stream stays open, no DATA follows. */
        StreamRequest announcing(long length) {
            return new StreamRequest(method, path, authority, headers, new byte[0], length, frameSize, false);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(method).append(' ').append(path);
            if (authority != null) {
                text.append(" :authority ").append(authority);
            }
            headers.forEach(h -> text.append(" | ").append(h.getKey()).append(": ").append(h.getValue()));
            if (declaredLength != null) {
                text.append(" | content-length: ").append(declaredLength);
            }
            if (body != null && sendBody) {
                text.append(" + ").append(body.length).append(" bytes in frames of ").append(frameSize);
            }
            return text.toString();
        }
    }

    /**
     * What came back on one stream.
     *
     * @param response the response, null when none came (the stream was reset before its HEADERS)
     * @param ended    whether the server ended the stream (END_STREAM) after the response
     * @param reset    the RST_STREAM error the server sent before ending the stream, null if none
     * @param protocol {@code HTTP/2}, or {@code HTTP/1.1} for the first request of a refused upgrade
     */
    record StreamResponse(RawResponse response, boolean ended, String reset, String protocol) {

        /** The response, which must have come. */
        RawResponse answer() {
            if (response == null) {
                throw new AssertionError("no response on the stream: " + this);
            }
            return response;
        }

        @Override
        public String toString() {
            return protocol + " " + (response == null ? "no response" : response.toString())
                    + (ended ? "" : ", stream not ended") + (reset == null ? "" : ", RST_STREAM " + reset);
        }
    }

    /** The upgrade's first request and what answered it; the connection is HTTP/2 only if the server switched. */
    record Upgrade(RawHttp2 connection, StreamResponse first, boolean switched) {}

    private final Channel channel;
    private final ConnectionWatch watch;
    private final int port;
    private final String scheme;

    private RawHttp2(Channel channel, ConnectionWatch watch, int port, String scheme) {
        this.channel = channel;
        this.watch = watch;
        this.port = port;
        this.scheme = scheme;
    }

    /** Opens a connection by prior knowledge or over TLS and waits for the server's SETTINGS. */
    static RawHttp2 open(Protocol protocol, int port) {
        ConnectionWatch watch = new ConnectionWatch();
        Channel channel = switch (protocol) {
            case PRIOR_KNOWLEDGE -> connect(port, ch -> ch.pipeline().addLast(frameCodec(), multiplex(null), watch));
            case TLS -> connect(port, ch -> ch.pipeline().addLast(tls().newHandler(ch.alloc(), "127.0.0.1", port),
                    new AlpnH2(watch), watch));
            case UPGRADE -> throw new IllegalArgumentException("an upgrade starts with a request: use upgrade()");
        };
        RawHttp2 connection = new RawHttp2(channel, watch, port, protocol == Protocol.TLS ? "https" : "http");
        try {
            await(watch.settings, "the server's HTTP/2 SETTINGS (" + protocol + ")");
        } catch (RuntimeException | AssertionError e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * Opens a cleartext connection with {@code first} as an HTTP/1.1 request asking to upgrade to h2c, and waits
     * for its answer: on stream 1 if the server switched, else as HTTP/1.1.
     */
    static Upgrade upgrade(int port, StreamRequest first) {
        ConnectionWatch watch = new ConnectionWatch();
        StreamCollector streamOne = new StreamCollector();
        HttpClientCodec http1 = new HttpClientCodec();
        HttpClientUpgradeHandler upgrader = new HttpClientUpgradeHandler(http1,
                new Http2ClientUpgradeCodec((String) null, (Http2ConnectionHandler) frameCodec(), multiplex(streamOne)), 1 << 20);
        Channel channel = connect(port, ch -> ch.pipeline().addLast(http1, upgrader, watch));
        RawHttp2 connection = new RawHttp2(channel, watch, port, "http");
        try {
            channel.writeAndFlush(connection.http1(first)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            CompletableFuture<StreamResponse> answer = streamOne.done.applyToEither(watch.http1Answer, r -> r);
            StreamResponse response = await(answer, "the answer to the upgrade request " + first);
            return new Upgrade(connection, response, !response.protocol().equals("HTTP/1.1"));
        } catch (RuntimeException | AssertionError e) {
            connection.close();
            throw e;
        }
    }

    /** Sends one request on a new stream and waits for its answer. */
    StreamResponse send(StreamRequest request) {
        return sendAll(List.of(request)).get(0);
    }

    /** Sends every request, each on its own stream, all before waiting for any answer; the answers in order. */
    List<StreamResponse> sendAll(List<StreamRequest> requests) {
        List<CompletableFuture<StreamResponse>> answers = new ArrayList<>();
        List<Http2StreamChannel> streams = new ArrayList<>();
        try {
            for (StreamRequest request : requests) {
                StreamCollector collector = new StreamCollector();
                var opened = new Http2StreamChannelBootstrap(channel).handler(collector).open();
                if (!opened.awaitUninterruptibly(TIMEOUT.toMillis()) || !opened.isSuccess()) {
                    throw new AssertionError("cannot open a stream for " + request + " on " + this, opened.cause());
                }
                Http2StreamChannel stream = opened.getNow();
                streams.add(stream);
                answers.add(collector.done);
                write(stream, request);
            }
            List<StreamResponse> responses = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                responses.add(await(answers.get(i), "the answer to " + requests.get(i) + " on " + this));
            }
            return responses;
        } finally {
            streams.forEach(Http2StreamChannel::close); // RST_STREAM(CANCEL) for a stream we left open
        }
    }

    /** The server's GOAWAY, as text; null if none came. */
    String goAway() {
        return watch.goAway;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(TIMEOUT.toMillis());
    }

    @Override
    public String toString() {
        return scheme + " HTTP/2 connection to 127.0.0.1:" + port
                + (watch.goAway == null ? "" : " (GOAWAY " + watch.goAway + ")")
                + (channel.isActive() ? "" : " (closed)");
    }

    private void write(Http2StreamChannel stream, StreamRequest request) {
        Http2Headers headers = new DefaultHttp2Headers(false)
                .method(request.method()).scheme(scheme).path(request.path())
                .authority(request.authority() != null ? request.authority() : "127.0.0.1:" + port);
        request.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
        if (request.declaredLength() != null) {
            headers.add("content-length", request.declaredLength().toString());
        }
        boolean bodyFollows = request.body() != null && (request.body().length > 0 || !request.sendBody());
        // a failed write is what a refused stream looks like from here: its answer tells the test what happened
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, !bodyFollows));
        if (!bodyFollows || !request.sendBody()) {
            return;
        }
        byte[] body = request.body();
        for (int from = 0; from < body.length; from += request.frameSize()) {
            int to = Math.min(body.length, from + request.frameSize());
            // one flush per frame, so that Netty's flow controller does not merge them
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(Arrays.copyOfRange(body, from, to)),
                    to == body.length));
        }
    }

    /** The same request as HTTP/1.1, for the upgrade: {@code Host} is the authority. */
    private FullHttpRequest http1(StreamRequest request) {
        if (request.body() != null && !request.sendBody()) {
            throw new IllegalArgumentException("an upgrade request is sent whole: " + request);
        }
        FullHttpRequest http1 = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                request.path(), Unpooled.wrappedBuffer(request.body() == null ? new byte[0] : request.body()), false);
        http1.headers().add("host", request.authority() != null ? request.authority() : "127.0.0.1:" + port);
        request.headers().forEach(h -> http1.headers().add(h.getKey(), h.getValue()));
        if (request.declaredLength() != null) {
            http1.headers().add("content-length", request.declaredLength().toString());
        }
        return http1;
    }

    private static Channel connect(int port, Consumer<SocketChannel> pipeline) {
        ChannelFuture connected = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TIMEOUT.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline.accept(ch);
                    }
                })
                .connect(InetAddress.getLoopbackAddress(), port);
        if (!connected.awaitUninterruptibly(TIMEOUT.toMillis() + 1000) || !connected.isSuccess()) {
            connected.channel().close();
            throw new AssertionError("cannot connect to 127.0.0.1:" + port, connected.cause());
        }
        return connected.channel();
    }

    private static Http2FrameCodec frameCodec() {
        return Http2FrameCodecBuilder.forClient().validateHeaders(false).build();
    }

    /** Server-initiated streams (push) are refused; {@code streamOne} gets the upgrade's stream 1. */
    private static Http2MultiplexHandler multiplex(ChannelHandler streamOne) {
        ChannelHandler noPush = new RefusePushedStreams();
        return streamOne == null ? new Http2MultiplexHandler(noPush) : new Http2MultiplexHandler(noPush, streamOne);
    }

    private static final SslContext TLS_CONTEXT = tlsContext();

    private static SslContext tls() {
        return TLS_CONTEXT;
    }

    private static SslContext tlsContext() {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE) // the demo's self-signed certificate
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + TIMEOUT + " in vain for " + what);
        } catch (ExecutionException e) {
            throw new AssertionError("failed waiting for " + what + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP/2 error code by its RFC 9113 name, or in hex if it has none. */
    private static String errorName(long code) {
        Http2Error error = Http2Error.valueOf(code);
        return error != null ? error.name() : "0x" + Long.toHexString(code);
    }

    private static Map<String, List<String>> headers(Iterable<Map.Entry<CharSequence, CharSequence>> headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (Map.Entry<CharSequence, CharSequence> h : headers) {
            String name = h.getKey().toString().toLowerCase(Locale.ROOT);
            if (!name.startsWith(":")) {
                copy.computeIfAbsent(name, k -> new ArrayList<>()).add(h.getValue().toString());
            }
        }
        return copy;
    }

    /** Collects one stream's answer: HEADERS (1xx skipped), DATA, END_STREAM or RST_STREAM. */
    private static final class StreamCollector extends ChannelInboundHandlerAdapter {

        final CompletableFuture<StreamResponse> done = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status;
        private Map<String, List<String>> headers;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame frame) {
                    if (headers == null) {
                        int code = Integer.parseInt(frame.headers().status().toString());
                        if (code / 100 == 1 && !frame.isEndStream()) {
                            return; // informational
                        }
                        status = code;
                        headers = RawHttp2.headers(frame.headers());
                    } // else trailers, which the tests do not look at
                    if (frame.isEndStream()) {
                        finish(true, null);
                    }
                } else if (msg instanceof Http2DataFrame frame) {
                    body.writeBytes(ByteBufUtil.getBytes(frame.content()));
                    if (frame.isEndStream()) {
                        finish(true, null);
                    }
                } else if (msg instanceof Http2ResetFrame frame) {
                    finish(false, errorName(frame.errorCode()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(false, null); // closed without END_STREAM or RST_STREAM: the connection went away
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
        }

        private void finish(boolean ended, String reset) {
            RawResponse response = headers == null ? null : new RawResponse(status, headers, body.toByteArray());
            done.complete(new StreamResponse(response, ended, reset, "HTTP/2"));
        }
    }

    /**
     * Watches the connection itself: the server's SETTINGS, a GOAWAY, the close; and, after a refused upgrade,
     * the HTTP/1.1 answer to its request.
     */
    private static final class ConnectionWatch extends ChannelInboundHandlerAdapter {

        final CompletableFuture<Void> settings = new CompletableFuture<>();
        final CompletableFuture<StreamResponse> http1Answer = new CompletableFuture<>();
        volatile String goAway;
        private HttpResponse http1Head;
        private final ByteArrayOutputStream http1Body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2SettingsFrame) {
                    settings.complete(null);
                } else if (msg instanceof Http2GoAwayFrame frame) {
                    goAway = errorName(frame.errorCode()) + ", last stream " + frame.lastStreamId();
                } else if (msg instanceof HttpResponse head) {
                    http1Head = head;
                }
                if (msg instanceof HttpContent content) {
                    http1Body.writeBytes(ByteBufUtil.getBytes(content.content()));
                }
                if (msg instanceof LastHttpContent && http1Head != null) {
                    Map<String, List<String>> headers = new LinkedHashMap<>();
                    HttpHeaders h = http1Head.headers();
                    h.names().forEach(name -> headers.put(name.toLowerCase(Locale.ROOT), h.getAll(name)));
                    http1Answer.complete(new StreamResponse(new RawResponse(http1Head.status().code(), headers,
                            http1Body.toByteArray()), true, null, "HTTP/1.1"));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
                settings.completeExceptionally(handshake.cause());
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            IllegalStateException closed = new IllegalStateException("the server closed the connection");
            settings.completeExceptionally(closed);
            http1Answer.completeExceptionally(closed);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            settings.completeExceptionally(cause);
            http1Answer.completeExceptionally(cause);
            ctx.close();
        }
    }

    /** After the TLS handshake: HTTP/2 if ALPN chose it, else the connection is useless here and fails. */
    private static final class AlpnH2 extends ApplicationProtocolNegotiationHandler {

        private final ConnectionWatch watch;

        AlpnH2(ConnectionWatch watch) {
            super("no protocol");
            this.watch = watch;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ctx.pipeline().addAfter(ctx.name(), "h2-codec", frameCodec());
                ctx.pipeline().addAfter("h2-codec", null, multiplex(null)); // wants the codec before it
            } else {
                watch.settings.completeExceptionally(new IllegalStateException("ALPN chose " + protocol + ", not h2"));
                ctx.close();
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            watch.settings.completeExceptionally(cause);
            ctx.close();
        }
    }

    @ChannelHandler.Sharable
    private static final class RefusePushedStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }
    }
}
