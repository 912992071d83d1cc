package dev.mcpguard.netty;

import dev.mcpguard.testing.TestGuard;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.InboundRequests;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.core.Verdict;
import dev.mcpguard.testing.FailingSink;
import dev.mcpguard.testing.StaticState;
import dev.mcpguard.testing.WovenAdvice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http2.HttpToHttp2ConnectionHandler;
import io.netty.handler.codec.http2.HttpToHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.InboundHttp2ToHttpAdapterBuilder;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link NettyHttp2Gate} in real Netty HTTP/2 server pipelines, on {@link EmbeddedChannel}: everything
 * runs on the calling thread, so no test waits. A client is played frame by frame: its frames are
 * encoded with {@link DefaultHttp2FrameWriter} and written inbound; what the server writes is read
 * back with {@link DefaultHttp2FrameReader}.
 *
 * <p>Two server models: {@code Http2FrameCodec} with {@code Http2MultiplexHandler} child channels
 * (Reactor Netty, gRPC) and {@code InboundHttp2ToHttpAdapter} behind {@code HttpToHttp2ConnectionHandler}.
 * Behind each an "application" records what reaches it and answers 200.
 */
class NettyHttp2GateTest {
    private static final String TOKEN = "good-token";
    private static final int LIMIT = 1024;
    private static final String UNAUTHORIZED_BODY = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,"
            + "\"message\":\"Unauthorized\",\"data\":{\"gate\":\"auth\",\"error\":\"missing_token\"}}}";
    private static final String TOO_LARGE_BODY = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32013,"
            + "\"message\":\"Payload Too Large\",\"data\":{\"gate\":\"body\",\"error\":\"body_too_large\"}}}";
    private static final SocketAddress LOOPBACK_SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    private static final SocketAddress LOOPBACK_CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);

    private static WovenAdvice advice;

    private final RecordingSink sink = new RecordingSink();
    private final List<Server> servers = new ArrayList<>();
    private Guard previousGuard;

    /** The two ways a Netty server reads HTTP/2 streams. */
    enum Model { MULTIPLEX, ADAPTER }

    /**
     * The gate is installed exactly as in production: the agent's own hook ({@link NettyHttp2Instrumentation},
     * its matcher and {@link FrameListenerAdvice}) is woven into Netty's {@code DefaultHttp2ConnectionDecoder}
     * in this JVM. So every server built below gets its {@link NettyHttp2Gate} from the advice, wherever its
     * builder calls {@code frameListener(...)}, with Netty's decorating decoders in their real places.
     * Undone after this class, so no other test sees gated decoders.
     */
    @BeforeAll
    static void weaveProductionAdvice() {
        advice = WovenAdvice.of(new NettyHttp2Instrumentation());
    }

    @AfterAll
    static void unweave() {
        advice.close();
    }

    @BeforeEach
    void activateGuard() {
        // read by each NettyHttp2Gate when the advice creates it
        previousGuard = StaticState.swapGuard(guard(GateMode.ENFORCE));
    }

    @AfterEach
    void restoreGuard() {
        servers.forEach(server -> server.channel.finishAndReleaseAll());
        StaticState.swapGuard(previousGuard);
        assertThat(sink.failures()).as("internal failures reported").isEmpty();
    }

    /** One token, a {@value #LIMIT}-byte body limit, every request gate in {@code mode}. */
    private Guard guard(GateMode mode) {
        TestGuard builder = TestGuard.builder()
                .sink(sink)
                .knob("MCPGUARD_MAX_BODY_BYTES", String.valueOf(LIMIT))
                .knob("MCPGUARD_TOKEN", TOKEN);
        for (GateName gate : List.of(GateName.PATH, GateName.LOOPBACK, GateName.ORIGIN, GateName.AUTH, GateName.BODY)) {
            builder.mode(gate, mode);
        }
        return builder.build();
    }

    /**
     * The gate's own code throws an Error past the guard's verdict (the guard's decision sink fails,
     * from inside the guard's failure handling too): the stream is refused 503 {@code gate_error},
     * never reaches the application, and the failures are counted.
     */
    @ParameterizedTest
    @EnumSource(Model.class)
    void aFailureOutOfTheGuardRefusesTheStream503AndTheConnectionGoesOn(Model model) {
        StaticState.swapGuard(failingGuard(2));
        Server server = start(model);

        server.headers(3, authorized("GET"), true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 503", "DATA END");
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).as("both failures counted").hasSize(2);
        server.assertConnectionUsable();
        sink.clear();
    }

    /** When not even the refusal can be had, the stream is reset unanswered; the connection goes on. */
    @ParameterizedTest
    @EnumSource(Model.class)
    void whenNotEvenTheRefusalCanBeHadTheStreamIsReset(Model model) {
        StaticState.swapGuard(failingGuard(Integer.MAX_VALUE));
        Server server = start(model);

        server.headers(3, authorized("GET"), true);

        assertThat(server.framesOn(3)).containsExactly("RST_STREAM INTERNAL_ERROR");
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.failures()).as("every failure counted").hasSize(3);
        server.assertConnectionUsable();
        sink.clear();
    }

    private Guard failingGuard(int sinkFailures) {
        return TestGuard.builder().sink(new FailingSink(sink, sinkFailures))
                .knob("MCPGUARD_MAX_BODY_BYTES", String.valueOf(LIMIT))
                .knob("MCPGUARD_TOKEN", TOKEN).build();
    }

    // 1
    @ParameterizedTest
    @EnumSource(Model.class)
    void refusesAFinishedRequestOnItsStreamOnly(Model model) {
        Server server = start(model);

        server.headers(3, anonymous("GET"), true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 401", "DATA END"); // no RST_STREAM: the client had finished
        Http2Headers head = server.head(3);
        assertThat(head.get(HttpHeaderNames.CONTENT_TYPE)).hasToString("application/json");
        assertThat(head.get(HttpHeaderNames.CACHE_CONTROL)).hasToString("no-store");
        assertThat(head.get(HttpHeaderNames.WWW_AUTHENTICATE)).hasToString("Bearer realm=\"mcp\"");
        assertThat(head.get(HttpHeaderNames.CONTENT_LENGTH)).hasToString(String.valueOf(UNAUTHORIZED_BODY.length()));
        assertThat(head.contains(HttpHeaderNames.CONNECTION)).as("connection header on HTTP/2").isFalse();
        assertThat(server.body(3)).isEqualTo(UNAUTHORIZED_BODY);
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401");
        server.assertConnectionUsable();
    }

    // 2
    @ParameterizedTest
    @EnumSource(Model.class)
    void refusesARequestStillSendingItsBodyThenResetsItAndTheConnectionGoesOn(Model model) {
        Server server = start(model);

        server.headers(3, anonymous("POST"), false);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 401", "DATA END", "RST_STREAM NO_ERROR");
        assertThat(server.body(3)).isEqualTo(UNAUTHORIZED_BODY);

        server.data(3, "rest of the body", false).data(3, "and its end", true);

        assertThat(server.app.requests).isEmpty();
        List<String> frames = server.framesOn(3);
        assertThat(frames).startsWith("HEADERS 401", "DATA END", "RST_STREAM NO_ERROR");
        // Netty itself answers DATA on a stream it has closed with RST_STREAM STREAM_CLOSED: a stream error only.
        assertThat(frames.subList(3, frames.size())).allMatch(frame -> frame.startsWith("RST_STREAM"));
        server.assertConnectionUsable();

        server.headers(5, authorized("GET"), true);

        assertThat(server.framesOn(5)).containsExactly("HEADERS 200", "DATA END");
        assertThat(server.app.requests).containsOnlyKeys(5);
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401", "allowed");
    }

    // 2, while the refusal itself waits for flow-control credit: the stream is still open, the gate drops its DATA
    @ParameterizedTest
    @EnumSource(Model.class)
    void dropsTheBodyOfARefusedStreamWhileItsRefusalWaitsForFlowControl(Model model) {
        Server server = start(model, new Http2Settings().initialWindowSize(16));

        server.headers(3, anonymous("POST"), false);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 401", "DATA"); // 16 bytes of the refusal so far

        server.data(3, "x".repeat(100), false).data(3, "y".repeat(100), false);

        assertThat(server.app.requests).isEmpty();
        assertThat(server.framesOn(3)).containsExactly("HEADERS 401", "DATA");

        server.windowUpdate(3, 1 << 16);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 401", "DATA", "DATA END", "RST_STREAM NO_ERROR");
        assertThat(server.body(3)).isEqualTo(UNAUTHORIZED_BODY);
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401");
        server.assertConnectionUsable();
    }

    // 6, on a refused stream: its trailers are dropped too, and no RST_STREAM once the client has finished
    @ParameterizedTest
    @EnumSource(Model.class)
    void dropsTheTrailersOfARefusedStream(Model model) {
        Server server = start(model, new Http2Settings().initialWindowSize(16));

        server.headers(3, anonymous("POST"), false)
                .data(3, "body", false)
                .headers(3, new DefaultHttp2Headers().set("x-checksum", "abc"), true);
        server.windowUpdate(3, 1 << 16);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 401", "DATA", "DATA END");
        assertThat(server.body(3)).isEqualTo(UNAUTHORIZED_BODY);
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401");
        server.assertConnectionUsable();
    }

    // 3
    /**
     * With the EGRESS gate on (attribution tracked), each frame reaches the application with its own stream's
     * request current on the thread, interleaved streams included, and nothing is current once it is read.
     */
    @ParameterizedTest
    @EnumSource(Model.class)
    void eachStreamsFramesReachTheApplicationWithItsOwnRequestCurrent(Model model) {
        InboundRequests.track(); // one-way for this JVM: it only adds the attribution other tests do not look at
        Server server = start(model);

        server.headers(3, authorized("POST").path("/a"), false)
                .headers(5, authorized("POST").path("/b"), false)
                .data(3, "hello", false)
                .data(5, "world", true)
                .data(3, " again", true);

        assertThat(server.app.requests.get(3).servedAs).isNotEmpty().containsOnly("/a");
        assertThat(server.app.requests.get(5).servedAs).isNotEmpty().containsOnly("/b");
        assertThat(InboundRequests.current()).as("current after the reads").isNull();
        sink.clear();
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void answersInterleavedStreamsEachOnItsOwn(Model model) {
        Server server = start(model);

        server.headers(3, authorized("POST"), false)
                .headers(5, anonymous("POST"), false)
                .data(3, "hello ", false)
                .headers(7, anonymous("GET"), true)
                .data(3, "world", true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 200", "DATA END");
        assertThat(server.body(3)).isEqualTo("ok");
        assertThat(server.framesOn(5)).containsExactly("HEADERS 401", "DATA END", "RST_STREAM NO_ERROR");
        assertThat(server.body(5)).isEqualTo(UNAUTHORIZED_BODY);
        assertThat(server.framesOn(7)).containsExactly("HEADERS 401", "DATA END");
        assertThat(server.app.requests).containsOnlyKeys(3);
        assertThat(server.app.requests.get(3).body.toString()).isEqualTo("hello world");
        assertThat(sink.lines()).containsExactly(
                "allowed", "blocked auth/missing_token/401", "blocked auth/missing_token/401");
        server.assertConnectionUsable();
    }

    // 4, before the application answers
    @ParameterizedTest
    @EnumSource(Model.class)
    void cutsABodyWithoutLengthAtTheLimitWith413(Model model) {
        Server server = start(model);

        server.headers(3, authorized("POST"), false)
                .data(3, 400, false)
                .data(3, 400, false)
                .data(3, 400, false); // 1200 > 1024

        assertThat(server.framesOn(3)).containsExactly("HEADERS 413", "DATA END", "RST_STREAM NO_ERROR");
        assertThat(server.head(3).get(HttpHeaderNames.CONTENT_TYPE)).hasToString("application/json");
        assertThat(server.head(3).get(HttpHeaderNames.CACHE_CONTROL)).hasToString("no-store");
        assertThat(server.head(3).contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(server.body(3)).isEqualTo(TOO_LARGE_BODY);
        assertThat(server.app.bodyBytes(3)).isLessThanOrEqualTo(LIMIT);
        if (model == Model.MULTIPLEX) {
            assertThat(server.app.requests.get(3).body).hasSize(800); // streamed: what came before the limit
            assertThat(server.app.requests.get(3).ended).isFalse();
        } else {
            assertThat(server.app.requests).isEmpty(); // aggregated: never complete
        }
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");
        server.assertConnectionUsable();
    }

    // 4, the last frame crossing the limit: the client has finished, so no RST_STREAM
    @ParameterizedTest
    @EnumSource(Model.class)
    void cutsABodyWhoseLastFrameCrossesTheLimit(Model model) {
        Server server = start(model);

        server.headers(3, authorized("POST"), false).data(3, 1000, false).data(3, 100, true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 413", "DATA END");
        assertThat(server.app.bodyBytes(3)).isEqualTo(model == Model.MULTIPLEX ? 1000 : 0);
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");
        server.assertConnectionUsable();
    }

    // 4, a body of exactly the limit passes
    @ParameterizedTest
    @EnumSource(Model.class)
    void letsABodyOfExactlyTheLimitThrough(Model model) {
        Server server = start(model);

        server.headers(3, authorized("POST"), false).data(3, 512, false).data(3, 512, true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 200", "DATA END");
        assertThat(server.app.bodyBytes(3)).isEqualTo(LIMIT);
        assertThat(sink.lines()).containsExactly("allowed");
    }

    // 4, after the application answered: only a reset can cut the request (aggregating applications cannot answer early)
    @Test
    void resetsAStreamWhoseBodyPassesTheLimitAfterTheApplicationAnswered() {
        Server server = start(Model.MULTIPLEX);
        server.app.answerEarly = true;

        server.headers(3, authorized("POST"), false);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 200");

        server.data(3, 400, false).data(3, 400, false).data(3, 400, false);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 200", "RST_STREAM CANCEL");
        assertThat(server.app.bodyBytes(3)).isEqualTo(800);
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");

        server.data(3, 400, true);

        assertThat(server.app.bodyBytes(3)).isEqualTo(800);
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");
        server.assertConnectionUsable();
    }

    // 5
    @ParameterizedTest
    @EnumSource(Model.class)
    void refusesADeclaredLengthOverTheLimitAtItsHeaders(Model model) {
        Server server = start(model);

        server.headers(3, authorized("POST").setInt(HttpHeaderNames.CONTENT_LENGTH, 5000), false);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 413", "DATA END", "RST_STREAM NO_ERROR");
        assertThat(server.body(3)).isEqualTo(TOO_LARGE_BODY);
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
        server.assertConnectionUsable();
    }

    // 6
    @ParameterizedTest
    @EnumSource(Model.class)
    void letsTheTrailersOfAnAllowedStreamThroughUngated(Model model) {
        Server server = start(model);
        Http2Headers trailers = new DefaultHttp2Headers().set("x-checksum", "abc"); // no Authorization, no :path

        // 3 has no declared length (its body is counted), 5 declares one
        server.headers(3, authorized("POST"), false).data(3, "hello", false).headers(3, trailers, true);
        server.headers(5, authorized("POST").setInt(HttpHeaderNames.CONTENT_LENGTH, 5), false)
                .data(5, "hello", false).headers(5, trailers, true);

        for (int stream : new int[] {3, 5}) {
            assertThat(server.framesOn(stream)).as("stream %d", stream).containsExactly("HEADERS 200", "DATA END");
            assertThat(server.app.requests.get(stream).body.toString()).isEqualTo("hello");
            assertThat(server.app.requests.get(stream).trailers).containsEntry("x-checksum", "abc");
        }
        assertThat(sink.lines()).containsExactly("allowed", "allowed");
    }

    // 7
    @ParameterizedTest
    @EnumSource(Model.class)
    void refusesAForeignAuthorityOnALoopbackConnection(Model model) {
        Server server = start(model);

        server.headers(3, authorized("GET").authority("evil.example"), true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 421", "DATA END");
        assertThat(server.head(3).contains(HttpHeaderNames.WWW_AUTHENTICATE)).isFalse();
        assertThat(server.body(3)).contains("\"data\":{\"gate\":\"origin\",\"error\":\"host_not_allowed\"}");
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked origin/host_not_allowed/421");
    }

    // 7, the counter-check: the same :authority on a connection that is not loopback passes
    @ParameterizedTest
    @EnumSource(Model.class)
    void takesTheLoopbackRuleFromTheConnectionsLocalAddress(Model model) {
        Server server = start(model, new Http2Settings(), new InetSocketAddress("192.0.2.10", 8080),
                new InetSocketAddress("198.51.100.7", 50000));

        server.headers(3, authorized("GET").authority("evil.example"), true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 200", "DATA END");
        assertThat(sink.lines()).containsExactly("allowed");
    }

    // 8: the upgrade request, gated as HTTP/1.1 by NettyGate, comes back as stream 1
    @Test
    void doesNotGateTheUpgradedRequestAgainButGatesTheNextStreams() {
        Server server = startUpgrade(true);

        server.upgrade("Authorization: Bearer " + TOKEN + "\r\n");

        assertThat(server.http1Head).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        assertThat(server.framesOn(1)).containsExactly("HEADERS 200", "DATA END");
        assertThat(server.app.requests).containsOnlyKeys(1);
        assertThat(sink.lines()).as("no second decision for the upgraded request").isEmpty();
        assertThat(server.channel.attr(NettyGate.UPGRADE_GATED).get()).as("the mark is used up").isNull();

        server.handshake(new Http2Settings());
        server.headers(3, anonymous("GET"), true).headers(5, authorized("GET"), true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 401", "DATA END");
        assertThat(server.framesOn(5)).containsExactly("HEADERS 200", "DATA END");
        assertThat(server.app.requests).containsOnlyKeys(1, 5);
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401", "allowed");
    }

    // 8, without the mark (NettyGate did not let it through): stream 1 is gated like any stream
    @Test
    void gatesAnUpgradedRequestNettyGateDidNotMark() {
        Server server = startUpgrade(false);

        server.upgrade("");

        assertThat(server.http1Head).startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        assertThat(server.framesOn(1)).containsExactly("HEADERS 401", "DATA END");
        assertThat(server.body(1)).isEqualTo(UNAUTHORIZED_BODY);
        assertThat(server.app.requests).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401");

        server.handshake(new Http2Settings());
        server.headers(3, authorized("GET"), true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 200", "DATA END");
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401", "allowed");
    }

    // 9
    @ParameterizedTest
    @EnumSource(Model.class)
    void logOnlyLetsTheRefusedRequestsReachTheApplication(Model model) {
        StaticState.swapGuard(guard(GateMode.LOG_ONLY));
        Server server = start(model);

        server.headers(3, anonymous("GET"), true);
        server.headers(5, authorized("POST"), false).data(5, 600, false).data(5, 600, true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 200", "DATA END");
        assertThat(server.framesOn(5)).containsExactly("HEADERS 200", "DATA END");
        assertThat(server.app.requests).containsOnlyKeys(3, 5);
        assertThat(server.app.bodyBytes(5)).isEqualTo(1200);
        assertThat(sink.lines()).containsExactly(
                "would_block auth/missing_token/401", "allowed", "allowed", "would_block body/body_too_large/413");
    }

    // MCPGUARD_ON_ERROR=deny (the builder's default): a connection the gate could not be set up for is refused stream by stream
    @Test
    void refusesEveryStreamOfAConnectionTheGateCouldNotBeSetUpFor() {
        Server server = start(Model.ADAPTER, new Http2Settings(), LOOPBACK_SERVER, LOOPBACK_CLIENT,
                new UngateableConnection());
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).hasSize(1);
        sink.clear();

        server.headers(3, authorized("GET"), true);

        assertThat(server.framesOn(3)).containsExactly("HEADERS 503", "DATA END");
        assertThat(server.body(3)).contains("\"data\":{\"gate\":\"path\",\"error\":\"gate_error\"}");
        assertThat(server.app.requests).isEmpty();
        server.assertConnectionUsable();
    }

    // 10
    @Test
    void neverWrapsAClientConnection() {
        Http2FrameCodec client = Http2FrameCodecBuilder.forClient().build();
        DefaultHttp2Connection clientConnection = new DefaultHttp2Connection(false);
        HttpToHttp2ConnectionHandler adapterClient = new HttpToHttp2ConnectionHandlerBuilder()
                .connection(clientConnection)
                .frameListener(new InboundHttp2ToHttpAdapterBuilder(clientConnection).maxContentLength(1 << 20).build())
                .build();

        assertThat(client.decoder().frameListener()).isNotInstanceOf(NettyHttp2Gate.class);
        assertThat(adapterClient.decoder().frameListener()).isNotInstanceOf(NettyHttp2Gate.class);
        Http2FrameListener listener = new Http2FrameAdapter();
        assertThat(NettyHttp2Gate.wrap(client.decoder(), listener)).isSameAs(listener);
        // the counter-check: the same advice does wrap a server's
        assertThat(Http2FrameCodecBuilder.forServer().build().decoder().frameListener()).isInstanceOf(NettyHttp2Gate.class);
        assertThat(sink.lines()).isEmpty();
    }

    // ---------------------------------------------------------------- requests

    private static Http2Headers anonymous(String method) {
        return new DefaultHttp2Headers().method(method).scheme("http").authority("localhost:8080").path("/mcp");
    }

    private static Http2Headers authorized(String method) {
        return anonymous(method).set(HttpHeaderNames.AUTHORIZATION, "Bearer " + TOKEN);
    }

    // ---------------------------------------------------------------- servers

    private Server start(Model model) {
        return start(model, new Http2Settings());
    }

    private Server start(Model model, Http2Settings clientSettings) {
        return start(model, clientSettings, LOOPBACK_SERVER, LOOPBACK_CLIENT);
    }

    private Server start(Model model, Http2Settings clientSettings, SocketAddress local, SocketAddress remote) {
        return start(model, clientSettings, local, remote, new DefaultHttp2Connection(true));
    }

    /** @param connection the connection of the {@link Model#ADAPTER} model */
    private Server start(Model model, Http2Settings clientSettings, SocketAddress local, SocketAddress remote,
                         DefaultHttp2Connection connection) {
        Application app = new Application();
        ChannelHandler[] pipeline;
        if (model == Model.MULTIPLEX) {
            pipeline = new ChannelHandler[] {Http2FrameCodecBuilder.forServer().build(), multiplex(app)};
        } else {
            pipeline = new ChannelHandler[] {
                new HttpToHttp2ConnectionHandlerBuilder()
                        .connection(connection)
                        .frameListener(new InboundHttp2ToHttpAdapterBuilder(connection)
                                .maxContentLength(1 << 20)
                                .propagateSettings(false)
                                .build())
                        .build(),
                new AggregatedApplication(app),
            };
        }
        Server server = new Server(new AddressedChannel(local, remote, pipeline), app);
        Http2ConnectionDecoder decoder = server.channel.pipeline().get(Http2ConnectionHandler.class).decoder();
        assertThat(decoder.frameListener()).as("the advice wrapped the server's listener").isInstanceOf(NettyHttp2Gate.class);
        server.handshake(clientSettings);
        return server;
    }

    /** An h2c server: HTTP/1.1 until a request asks to upgrade, then {@code Http2FrameCodec} and child channels. */
    private Server startUpgrade(boolean markedByNettyGate) {
        Application app = new Application();
        HttpServerCodec http1 = new HttpServerCodec();
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(), multiplex(app))
                        : null);
        Server server = new Server(new AddressedChannel(LOOPBACK_SERVER, LOOPBACK_CLIENT, http1, upgrade), app);
        server.http1Head = "";
        if (markedByNettyGate) {
            server.channel.attr(NettyGate.UPGRADE_GATED).set(Boolean.TRUE); // what NettyGate does when it lets it through
        }
        return server;
    }

    /** A server connection on which {@link NettyHttp2Gate#wrap} fails: it is refused a property key. */
    private static final class UngateableConnection extends DefaultHttp2Connection {
        UngateableConnection() {
            super(true);
        }

        @Override
        public PropertyKey newKey() {
            if (StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    frame -> frame.getClassName().equals(NettyHttp2Gate.class.getName())))) {
                throw new IllegalStateException("simulated: no key for the gate");
            }
            return super.newKey();
        }
    }

    private static Http2MultiplexHandler multiplex(Application app) {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new StreamApplication(app));
            }
        });
    }

    /**
     * An accepted connection: EmbeddedChannel's own addresses are no TCP addresses, and it has no
     * listening parent (Http2MultiplexHandler takes a connection without one for a client's).
     */
    private static final class AddressedChannel extends EmbeddedChannel {
        private final SocketAddress local;
        private final SocketAddress remote;

        AddressedChannel(SocketAddress local, SocketAddress remote, ChannelHandler... handlers) {
            super(new Listener(), DefaultChannelId.newInstance(), false, false, handlers);
            this.local = local;
            this.remote = remote;
            try {
                register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected SocketAddress localAddress0() {
            return local;
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote;
        }
    }

    private static final class Listener extends EmbeddedChannel implements ServerChannel {
    }

    /** One server connection, and the client end that drives it. */
    private final class Server {
        final EmbeddedChannel channel;
        final Application app;
        /** The HTTP/1.1 response head before the HTTP/2 frames of an upgraded connection; {@code null} otherwise. */
        String http1Head;
        private final List<Frame> received = new ArrayList<>();
        /** Gives the client's frame writer and reader a context; its outbound queue holds the encoded frames. */
        private final EmbeddedChannel client = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        private final ChannelHandlerContext clientContext = client.pipeline().firstContext();
        private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
        private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
        private final ByteBuf unread = Unpooled.buffer();

        Server(EmbeddedChannel channel, Application app) {
            this.channel = channel;
            this.app = app;
            servers.add(this);
            deliver(); // the server's preface, if it sent one already
        }

        void handshake(Http2Settings settings) {
            clientContext.write(Http2CodecUtil.connectionPrefaceBuf());
            writer.writeSettings(clientContext, settings, clientContext.newPromise());
            writer.writeSettingsAck(clientContext, clientContext.newPromise());
            deliver();
        }

        /** Sends an HTTP/1.1 GET asking to upgrade to h2c, with {@code headers} (CRLF-terminated lines) besides. */
        void upgrade(String headers) {
            String request = "GET /mcp HTTP/1.1\r\nHost: localhost:8080\r\n" + headers
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n";
            clientContext.write(Unpooled.copiedBuffer(request, US_ASCII));
            deliver();
        }

        Server headers(int stream, Http2Headers headers, boolean endStream) {
            writer.writeHeaders(clientContext, stream, headers, 0, endStream, clientContext.newPromise());
            return deliver();
        }

        Server data(int stream, int bytes, boolean endStream) {
            return data(stream, "x".repeat(bytes), endStream);
        }

        Server data(int stream, String text, boolean endStream) {
            writer.writeData(clientContext, stream, Unpooled.copiedBuffer(text, US_ASCII), 0, endStream,
                    clientContext.newPromise());
            return deliver();
        }

        Server windowUpdate(int stream, int increment) {
            writer.writeWindowUpdate(clientContext, stream, increment, clientContext.newPromise());
            return deliver();
        }

        /** What the client wrote goes in; what the server wrote back is read. */
        private Server deliver() {
            client.flushOutbound();
            for (ByteBuf bytes; (bytes = client.readOutbound()) != null; ) {
                channel.writeInbound(bytes);
            }
            channel.runPendingTasks();
            channel.checkException();
            for (ByteBuf bytes; (bytes = channel.readOutbound()) != null; ) {
                unread.writeBytes(bytes);
                bytes.release();
            }
            if ("".equals(http1Head)) {
                int end = unread.toString(US_ASCII).indexOf("\r\n\r\n");
                if (end < 0) {
                    return this;
                }
                http1Head = unread.readCharSequence(end + 4, US_ASCII).toString();
            }
            try {
                reader.readFrame(clientContext, unread, recorder);
            } catch (Http2Exception e) {
                throw new AssertionError("the server wrote a malformed frame", e);
            }
            unread.discardReadBytes();
            return this;
        }

        /** The frames the server sent on one stream, WINDOW_UPDATEs aside, as "HEADERS 401", "DATA END"... */
        List<String> framesOn(int stream) {
            List<String> frames = new ArrayList<>();
            for (Frame frame : received) {
                if (frame.stream == stream && !frame.kind.equals("WINDOW_UPDATE")) {
                    frames.add(frame.toString());
                }
            }
            return frames;
        }

        Http2Headers head(int stream) {
            return received.stream().filter(frame -> frame.stream == stream && frame.kind.equals("HEADERS"))
                    .findFirst().orElseThrow().headers;
        }

        String body(int stream) {
            StringBuilder body = new StringBuilder();
            received.stream().filter(frame -> frame.stream == stream && frame.kind.equals("DATA"))
                    .forEach(frame -> body.append(frame.data));
            return body.toString();
        }

        void assertConnectionUsable() {
            assertThat(channel.isOpen()).as("connection open").isTrue();
            assertThat(received).as("frames on the connection").noneMatch(frame -> frame.kind.equals("GOAWAY"));
        }

        private final Http2FrameListener recorder = new Http2FrameAdapter() {
            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                      boolean endStream) {
                received.add(new Frame(streamId, "HEADERS", headers, null, endStream, 0));
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                                      int streamDependency, short weight, boolean exclusive, int padding,
                                      boolean endStream) {
                onHeadersRead(ctx, streamId, headers, padding, endStream);
            }

            @Override
            public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                                  boolean endOfStream) {
                received.add(new Frame(streamId, "DATA", null, data.toString(US_ASCII), endOfStream, 0));
                return data.readableBytes() + padding;
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
                received.add(new Frame(streamId, "RST_STREAM", null, null, false, errorCode));
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
                received.add(new Frame(0, "GOAWAY", null, debugData.toString(US_ASCII), false, errorCode));
            }

            @Override
            public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
                received.add(new Frame(streamId, "WINDOW_UPDATE", null, null, false, windowSizeIncrement));
            }
        };
    }

    /** A frame the server sent. */
    private record Frame(int stream, String kind, Http2Headers headers, String data, boolean endStream, long code) {
        @Override
        public String toString() {
            String end = endStream ? " END" : "";
            switch (kind) {
                case "HEADERS":
                    return "HEADERS" + (headers.status() == null ? "" : " " + headers.status()) + end;
                case "DATA":
                    return "DATA" + end;
                case "RST_STREAM":
                    return "RST_STREAM " + Http2Error.valueOf(code);
                default:
                    return kind;
            }
        }
    }

    // ---------------------------------------------------------------- the application

    /** What reached the application, per stream. */
    private static final class Application {
        final Map<Integer, Received> requests = new TreeMap<>();
        /** Answer with response headers as soon as a request head arrives, the body when the request ends. */
        boolean answerEarly;

        int bodyBytes(int stream) {
            Received request = requests.get(stream);
            return request == null ? 0 : request.body.length();
        }
    }

    private static final class Received {
        final String method;
        final String path;
        final StringBuilder body = new StringBuilder();
        final Map<String, String> trailers = new TreeMap<>();
        /** The path of the inbound request current on the thread as each of its frames reached the application. */
        final List<String> servedAs = new ArrayList<>();
        boolean ended;

        Received(String method, String path) {
            this.method = method;
            this.path = path;
        }
    }

    /** The application of one child channel (one stream) behind {@code Http2MultiplexHandler}. */
    private static final class StreamApplication extends ChannelInboundHandlerAdapter {
        private final Application app;
        private Received request;

        StreamApplication(Application app) {
            this.app = app;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                int stream = ((Http2StreamChannel) ctx.channel()).stream().id();
                boolean end;
                if (msg instanceof Http2HeadersFrame frame) {
                    end = frame.isEndStream();
                    if (request == null) {
                        request = new Received(String.valueOf(frame.headers().method()),
                                String.valueOf(frame.headers().path()));
                        app.requests.put(stream, request);
                        if (app.answerEarly) {
                            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                        }
                    } else {
                        frame.headers().forEach(field -> request.trailers.put(field.getKey().toString(),
                                field.getValue().toString()));
                    }
                } else if (msg instanceof Http2DataFrame frame) {
                    end = frame.isEndStream();
                    request.body.append(frame.content().toString(US_ASCII));
                } else {
                    return;
                }
                request.servedAs.add(servedAs());
                if (end) {
                    request.ended = true;
                    if (!app.answerEarly) {
                        ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
                    }
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", US_ASCII), true));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static String servedAs() {
        Verdict current = InboundRequests.current();
        return current == null ? null : current.path();
    }

    /** The application behind {@code InboundHttp2ToHttpAdapter}: whole requests, one per stream. */
    private static final class AggregatedApplication extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Application app;

        AggregatedApplication(Application app) {
            this.app = app;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest message) {
            String streamHeader = HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text().toString();
            int stream = message.headers().getInt(streamHeader);
            Received request = new Received(message.method().name(), message.uri());
            request.servedAs.add(servedAs());
            request.body.append(message.content().toString(US_ASCII));
            message.trailingHeaders().forEach(field -> request.trailers.put(field.getKey(), field.getValue()));
            request.ended = true;
            app.requests.put(stream, request);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("ok", US_ASCII));
            response.headers().setInt(streamHeader, stream).setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
            ctx.writeAndFlush(response);
        }
    }
}
