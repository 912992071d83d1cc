package dev.mcpguard.netty;

import dev.mcpguard.testing.TestGuard;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.Guard;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.StaticState;
import dev.mcpguard.testing.WovenAdvice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where {@link GatePlacement} puts the gate in real Netty pipelines of every shape (issue 11: a split
 * codec with a handler between decoder and encoder, an aggregator there), with the agent's own
 * pipeline advice woven into {@code DefaultChannelPipeline} in this JVM, on {@link EmbeddedChannel}.
 */
class GatePlacementTest {
    private static final String TOKEN = "good-token";

    private static WovenAdvice advice;

    private final RecordingSink sink = new RecordingSink();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private Guard previousGuard;

    @BeforeAll
    static void weaveProductionAdvice() {
        advice = WovenAdvice.of(new NettyInstrumentation());
    }

    @AfterAll
    static void unweave() {
        advice.close();
    }

    @BeforeEach
    void activateGuard() {
        previousGuard = StaticState.swapGuard(TestGuard.builder().sink(sink).knob("MCPGUARD_MAX_BODY_BYTES", "1024")
                .knob("MCPGUARD_TOKEN", TOKEN).build());
    }

    @AfterEach
    void restoreGuard() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        StaticState.swapGuard(previousGuard);
        assertThat(sink.failures()).as("internal failures reported").isEmpty();
    }

    @Test
    void aHandlerBetweenASplitCodecsHalvesSeesOnlyGatedRequests() {
        App between = new App();
        EmbeddedChannel channel = channel(p -> p.addLast("decoder", new HttpRequestDecoder())
                .addLast("between", between).addLast("encoder", new HttpResponseEncoder()));

        assertThat(names(channel)).containsExactly("decoder", GatePlacement.NAME, "between", "encoder", GatePlacement.RESPONSES);

        channel.writeInbound(ascii("GET /inspector HTTP/1.1\r\nHost: h\r\n\r\n"));

        assertThat(between.paths).isEmpty();
        assertThat(written(channel)).startsWith("HTTP/1.1 401 Unauthorized\r\n").contains("\"missing_token\"");
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401");
    }

    @Test
    void anAllowedRequestIsAnsweredByTheApplicationThroughTheEncoderAndARefusalWaitsForIt() {
        App between = new App();
        EmbeddedChannel channel = channel(p -> p.addLast("decoder", new HttpRequestDecoder())
                .addLast("between", between).addLast("encoder", new HttpResponseEncoder()));

        channel.writeInbound(ascii("GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n"
                + "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));

        assertThat(between.paths).containsExactly("/a");
        String out = written(channel);
        assertThat(out).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(out.indexOf("HTTP/1.1 401")).as("the refusal follows the answer it waited for")
                .isGreaterThan(out.indexOf("answer:/a"));
    }

    @Test
    void theGateComesBeforeAnAggregatorBetweenTheHalvesSoNoRefusedBodyIsBuffered() {
        App app = new App();
        EmbeddedChannel channel = channel(p -> p.addLast("decoder", new HttpRequestDecoder())
                .addLast("aggregator", new HttpObjectAggregator(100 << 20))
                .addLast("encoder", new HttpResponseEncoder()).addLast("app", app));

        assertThat(names(channel)).containsExactly("decoder", GatePlacement.NAME, "aggregator", "encoder",
                GatePlacement.RESPONSES, "app");

        channel.writeInbound(ascii("POST /mcp HTTP/1.1\r\nHost: h\r\nContent-Length: 52428800\r\n\r\n" + "x".repeat(4096)));

        assertThat(written(channel)).startsWith("HTTP/1.1 401 Unauthorized\r\n");
        assertThat(app.paths).isEmpty();
    }

    @Test
    void aSplitCodecAddedEncoderFirstNeedsNoResponseSide() {
        App app = new App();
        EmbeddedChannel channel = channel(p -> p.addLast("encoder", new HttpResponseEncoder())
                .addLast("decoder", new HttpRequestDecoder()).addLast("app", app));

        assertThat(names(channel)).containsExactly("encoder", "decoder", GatePlacement.NAME, "app");

        channel.writeInbound(ascii("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"));

        assertThat(written(channel)).startsWith("HTTP/1.1 401 Unauthorized\r\n");
    }

    @Test
    void theCombinedCodecKeepsTheGateRightBehindIt() {
        App app = new App();
        EmbeddedChannel channel = channel(p -> p.addLast("app", app).addFirst("codec", new HttpServerCodec()));

        assertThat(names(channel)).containsExactly("codec", GatePlacement.NAME, "app");

        channel.writeInbound(ascii("GET /x HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n"));

        assertThat(app.paths).containsExactly("/x");
        assertThat(written(channel)).startsWith("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void theResponseSideFollowsTheEncoderAndGoesWhenItDoes() {
        EmbeddedChannel channel = channel(p -> p.addLast("decoder", new HttpRequestDecoder())
                .addLast("encoder", new HttpResponseEncoder()).addLast("app", new App()));
        assertThat(names(channel)).containsExactly("decoder", GatePlacement.NAME, "encoder", GatePlacement.RESPONSES, "app");

        channel.pipeline().remove("encoder");
        channel.pipeline().addFirst("encoder", new HttpResponseEncoder());

        assertThat(names(channel)).containsExactly("encoder", "decoder", GatePlacement.NAME, "app");
        channel.writeInbound(ascii("GET /x HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertThat(written(channel)).startsWith("HTTP/1.1 401 Unauthorized\r\n");
    }

    @Test
    void aCompressedBodyIsCountedAsTheApplicationReadsItInflated() throws Exception {
        App app = new App();
        EmbeddedChannel channel = channel(p -> p.addLast("codec", new HttpServerCodec())
                .addLast("inflater", new HttpContentDecompressor()).addLast("app", app));
        assertThat(names(channel)).containsExactly("codec", GatePlacement.NAME, "inflater", GatePlacement.DECODED_BODY, "app");
        byte[] bomb = gzip(new byte[256 << 10]); // 256 KiB of zeros: a few hundred bytes compressed, under the limit
        assertThat(bomb.length).isLessThan(1024);

        channel.writeInbound(Unpooled.wrappedBuffer(ascii("POST /upload HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Encoding: gzip\r\nContent-Length: " + bomb.length + "\r\n\r\n"), Unpooled.wrappedBuffer(bomb)));

        assertThat(app.paths).containsExactly("/upload");
        assertThat(app.bodyBytes).as("inflated bytes the application got").isLessThanOrEqualTo(1024);
        assertThat(written(channel)).startsWith("HTTP/1.1 413 ");
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");
    }

    @Test
    void aCompressedBodyUnderTheLimitInflatedPassesWhole() throws Exception {
        App app = new App();
        EmbeddedChannel channel = channel(p -> p.addLast("codec", new HttpServerCodec())
                .addLast("inflater", new HttpContentDecompressor()).addLast("app", app));
        byte[] small = gzip(new byte[1000]);

        channel.writeInbound(Unpooled.wrappedBuffer(ascii("POST /upload HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Encoding: gzip\r\nContent-Length: " + small.length + "\r\n\r\n"), Unpooled.wrappedBuffer(small)));

        assertThat(app.bodyBytes).isEqualTo(1000);
        assertThat(written(channel)).startsWith("HTTP/1.1 200 OK\r\n");
    }

    private static byte[] gzip(byte[] data) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(data);
        }
        return out.toByteArray();
    }

    private EmbeddedChannel channel(Consumer<io.netty.channel.ChannelPipeline> setUp) {
        EmbeddedChannel channel = new EmbeddedChannel();
        setUp.accept(channel.pipeline());
        channels.add(channel);
        return channel;
    }

    private static List<String> names(EmbeddedChannel channel) {
        List<String> names = new ArrayList<>(channel.pipeline().names());
        names.removeIf(name -> name.startsWith("DefaultChannelPipeline$TailContext"));
        return names;
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, US_ASCII);
    }

    private static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            assertThat(message).as("only encoded bytes reach the socket").isInstanceOf(ByteBuf.class);
            out.append(((ByteBuf) message).toString(US_ASCII));
            ReferenceCountUtil.release(message);
        }
        return out.toString();
    }

    /** Records each request it reaches and the body bytes, and answers each 200 {@code answer:<path>} at its end. */
    @ChannelHandler.Sharable
    private static final class App extends ChannelInboundHandlerAdapter {
        final List<String> paths = new ArrayList<>();
        long bodyBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpContent) {
                bodyBytes += ((HttpContent) msg).content().readableBytes();
            }
            if (msg instanceof HttpRequest) {
                paths.add(((HttpRequest) msg).uri());
            }
            if (msg instanceof LastHttpContent) {
                String path = paths.get(paths.size() - 1);
                ByteBuf body = Unpooled.copiedBuffer("answer:" + path, US_ASCII);
                DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
                HttpUtil.setContentLength(response, body.readableBytes());
                ctx.channel().writeAndFlush(response); // from the tail: through the encoder wherever it is
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
