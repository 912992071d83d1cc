package dev.mcpguard.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.GateName;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.AdapterGuard;
import dev.mcpguard.testing.WovenAdvice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Netty HTTP/1.1 adapter as a client sees it, bytes in and bytes out of an {@link EmbeddedChannel}
 * whose pipeline the agent's own advice gates: pipelined requests, {@code Expect: 100-continue},
 * a streamed body cut off at the limit, and log-only mode.
 */
class NettyHttp1AdapterTest {
    private static final int LIMIT = 1024;
    private static final String AUTHORIZED = "Host: localhost\r\nAuthorization: Bearer " + AdapterGuard.TOKEN + "\r\n";
    private static final String ANONYMOUS = "Host: localhost\r\n";

    private static WovenAdvice advice;

    private final RecordingSink sink = new RecordingSink();
    private AdapterGuard guard;
    private EmbeddedChannel channel;

    @BeforeAll
    static void weaveProductionAdvice() {
        advice = WovenAdvice.of(new NettyInstrumentation());
    }

    @AfterAll
    static void unweave() {
        advice.close();
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        guard.close();
        assertThat(sink.failures()).as("internal failures reported").isEmpty();
    }

    // ---------------------------------------------------------------- pipelining

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndNothingAfterARefusalReachesTheApplication() {
        App app = server(AdapterGuard.activate(sink, LIMIT));

        send(get("/a", AUTHORIZED) + get("/b", ANONYMOUS) + get("/c", AUTHORIZED));

        assertThat(app.paths).containsExactly("/a");
        List<String> responses = responses(written());
        assertThat(responses).hasSize(2);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("answer:/a");
        assertThat(responses.get(1)).startsWith("HTTP/1.1 401 Unauthorized\r\n").contains("\"missing_token\"");
        assertThat(sink.lines()).containsExactly("allowed", "blocked auth/missing_token/401");
        assertThat(channel.isOpen()).as("the connection ends with the refusal").isFalse();
    }

    @Test
    void aRefusedFirstRequestIsTheOnlyAnswerAndTheAllowedOnesBehindItNeverRun() {
        App app = server(AdapterGuard.activate(sink, LIMIT));

        send(get("/a", ANONYMOUS) + get("/b", AUTHORIZED) + get("/c", AUTHORIZED));

        assertThat(app.paths).isEmpty();
        List<String> responses = responses(written());
        assertThat(responses).hasSize(1);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 401 Unauthorized\r\n");
        assertThat(sink.lines()).containsExactly("blocked auth/missing_token/401");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aRefusalWaitsForTheApplicationsAnswerToTheRequestBeforeIt() {
        App app = server(AdapterGuard.activate(sink, LIMIT));
        app.answerLater = true;

        send(get("/slow", AUTHORIZED) + get("/b", ANONYMOUS));

        assertThat(written()).as("nothing may overtake the answer the application owes").isEmpty();
        assertThat(channel.isOpen()).isTrue();

        app.answerNow();

        List<String> responses = responses(written());
        assertThat(responses).hasSize(2);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("answer:/slow");
        assertThat(responses.get(1)).startsWith("HTTP/1.1 401 Unauthorized\r\n");
        assertThat(channel.isOpen()).isFalse();
    }

    // ---------------------------------------------------------------- Expect: 100-continue

    /** Netty's two handlers that answer {@code Expect: 100-continue}. */
    @ParameterizedTest
    @ValueSource(strings = {"expect-continue-handler", "aggregator"})
    void aDeclaredLengthOverTheLimitIsRefused413WithoutAskingForTheBody(String continuer) {
        App app = server(AdapterGuard.activate(sink, LIMIT), continuer);

        send("POST /mcp HTTP/1.1\r\n" + AUTHORIZED + "Expect: 100-continue\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");

        String out = written();
        assertThat(out).doesNotContain("100 Continue");
        assertThat(responses(out)).hasSize(1);
        assertThat(out).startsWith("HTTP/1.1 413 ").contains("\"body_too_large\"");
        assertThat(app.paths).isEmpty();
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @ParameterizedTest
    @ValueSource(strings = {"expect-continue-handler", "aggregator"})
    void aDeclaredLengthAtTheLimitIsAskedForAndReachesTheApplication(String continuer) {
        App app = server(AdapterGuard.activate(sink, LIMIT), continuer);

        send("POST /mcp HTTP/1.1\r\n" + AUTHORIZED + "Expect: 100-continue\r\nContent-Length: " + LIMIT + "\r\n\r\n");

        assertThat(written()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");

        send("x".repeat(LIMIT));

        assertThat(app.paths).containsExactly("/mcp");
        assertThat(app.bodyBytes).isEqualTo(LIMIT);
        assertThat(written()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("answer:/mcp");
        assertThat(sink.lines()).containsExactly("allowed");
    }

    @Test
    void anUnauthenticatedRequestExpectingToContinueIsRefusedWithoutAskingForTheBody() {
        App app = server(AdapterGuard.activate(sink, LIMIT), "expect-continue-handler");

        send("POST /mcp HTTP/1.1\r\n" + ANONYMOUS + "Expect: 100-continue\r\nContent-Length: 10\r\n\r\n");

        String out = written();
        assertThat(out).doesNotContain("100 Continue").startsWith("HTTP/1.1 401 Unauthorized\r\n");
        assertThat(app.paths).isEmpty();
    }

    // ---------------------------------------------------------------- a streamed body cut off

    @Test
    void aChunkedBodyIsCutOffAtTheLimitRefusedOnceAndNothingFollows() {
        App app = server(AdapterGuard.activate(sink, LIMIT));

        send(chunked("/upload", AUTHORIZED, 600, 600, 600) + get("/after", AUTHORIZED));

        assertThat(app.paths).containsExactly("/upload");
        assertThat(app.bodyBytes).as("body bytes the application got").isLessThanOrEqualTo(LIMIT);
        assertThat(app.ended).as("the application never sees the body end").isEmpty();
        List<String> responses = responses(written());
        assertThat(responses).hasSize(1);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 413 ");
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aChunkedBodyOfExactlyTheLimitPassesWhole() {
        App app = server(AdapterGuard.activate(sink, LIMIT));

        send(chunked("/upload", AUTHORIZED, 1000, LIMIT - 1000) + get("/after", AUTHORIZED));

        assertThat(app.paths).containsExactly("/upload", "/after");
        assertThat(app.bodyBytes).isEqualTo(LIMIT);
        List<String> responses = responses(written());
        assertThat(responses).hasSize(2);
        assertThat(responses.get(0)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("answer:/upload");
        assertThat(sink.lines()).containsExactly("allowed", "allowed");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aBodyCutOffWhileTheApplicationIsAnsweringItClosesTheConnectionWithoutARefusal() {
        App app = server(AdapterGuard.activate(sink, LIMIT));
        app.answerHeadEarly = true;

        send(chunked("/upload", AUTHORIZED, 600, 600, 600));

        assertThat(app.bodyBytes).isLessThanOrEqualTo(LIMIT);
        String out = written();
        assertThat(responses(out)).hasSize(1);
        assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").doesNotContain("413");
        assertThat(sink.lines()).containsExactly("allowed", "blocked body/body_too_large/413");
        assertThat(channel.isOpen()).isFalse();
    }

    // ---------------------------------------------------------------- log-only

    @Test
    void logOnlyLetsEverythingThroughAndLogsEachWouldBeRefusalOnce() {
        App app = server(AdapterGuard.activate(sink, LIMIT, GateName.AUTH, GateName.BODY));

        send(chunked("/upload", ANONYMOUS, 600, 600, 600) + get("/after", ANONYMOUS));

        assertThat(app.paths).containsExactly("/upload", "/after");
        assertThat(app.bodyBytes).isEqualTo(1800);
        List<String> responses = responses(written());
        assertThat(responses).hasSize(2);
        assertThat(responses).allMatch(response -> response.startsWith("HTTP/1.1 200 OK\r\n"));
        assertThat(sink.lines()).containsExactly(
                "would_block auth/missing_token/401", "allowed", "would_block body/body_too_large/413",
                "would_block auth/missing_token/401", "allowed");
        assertThat(channel.isOpen()).isTrue();
    }

    // ---------------------------------------------------------------- the server

    private App server(AdapterGuard active) {
        return server(active, null);
    }

    /** @param continuer the handler answering {@code Expect: 100-continue} in front of the application, if any */
    private App server(AdapterGuard active, String continuer) {
        guard = active;
        App app = new App();
        channel = new EmbeddedChannel();
        channel.pipeline().addLast("codec", new HttpServerCodec());
        if ("expect-continue-handler".equals(continuer)) {
            channel.pipeline().addLast("continue", new HttpServerExpectContinueHandler());
        } else if ("aggregator".equals(continuer)) {
            channel.pipeline().addLast("aggregator", new HttpObjectAggregator(1 << 20));
        }
        channel.pipeline().addLast("app", app);
        assertThat(channel.pipeline().names()).as("the gate is placed by the advice").contains(GatePlacement.NAME);
        return app;
    }

    private void send(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, US_ASCII));
        channel.runPendingTasks();
    }

    private static String get(String path, String headers) {
        return "GET " + path + " HTTP/1.1\r\n" + headers + "\r\n";
    }

    private static String chunked(String path, String headers, int... chunks) {
        StringBuilder request = new StringBuilder("POST " + path + " HTTP/1.1\r\n" + headers
                + "Transfer-Encoding: chunked\r\n\r\n");
        for (int size : chunks) {
            request.append(Integer.toHexString(size)).append("\r\n").append("x".repeat(size)).append("\r\n");
        }
        return request.append("0\r\n\r\n").toString();
    }

    private String written() {
        StringBuilder out = new StringBuilder();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            assertThat(message).as("only encoded bytes reach the socket").isInstanceOf(ByteBuf.class);
            out.append(((ByteBuf) message).toString(US_ASCII));
            ReferenceCountUtil.release(message);
        }
        return out.toString();
    }

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 \\d{3} ");

    /** The final responses in {@code out}, split at their status lines. */
    private static List<String> responses(String out) {
        List<String> responses = new ArrayList<>();
        Matcher matcher = STATUS_LINE.matcher(out);
        int start = -1;
        while (matcher.find()) {
            if (start >= 0) {
                responses.add(out.substring(start, matcher.start()));
            }
            start = matcher.start();
        }
        if (start >= 0) {
            responses.add(out.substring(start));
        }
        responses.removeIf(response -> response.startsWith("HTTP/1.1 100 "));
        return responses;
    }

    /**
     * Records what reaches it and answers each request {@code 200 answer:<path>} once its body has
     * ended: at once, or when told ({@link #answerLater}), or with the head before the body ends
     * ({@link #answerHeadEarly}).
     */
    @ChannelHandler.Sharable
    private static final class App extends ChannelInboundHandlerAdapter {
        final List<String> paths = new ArrayList<>();
        final List<String> ended = new ArrayList<>();
        long bodyBytes;
        boolean answerLater;
        boolean answerHeadEarly;
        private final List<Runnable> owed = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    paths.add(((HttpRequest) msg).uri());
                    if (answerHeadEarly) {
                        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                        HttpUtil.setTransferEncodingChunked(head, true);
                        ctx.writeAndFlush(head);
                    }
                }
                if (msg instanceof HttpContent) {
                    bodyBytes += ((HttpContent) msg).content().readableBytes();
                }
                if (msg instanceof LastHttpContent) {
                    String path = paths.get(paths.size() - 1);
                    ended.add(path);
                    Runnable answer = () -> answer(ctx, path);
                    if (answerLater) {
                        owed.add(answer);
                    } else {
                        answer.run();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        void answerNow() {
            owed.forEach(Runnable::run);
            owed.clear();
        }

        private void answer(ChannelHandlerContext ctx, String path) {
            ByteBuf body = Unpooled.copiedBuffer("answer:" + path, US_ASCII);
            if (answerHeadEarly) {
                ctx.writeAndFlush(new DefaultLastHttpContent(body));
                return;
            }
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            HttpUtil.setContentLength(response, body.readableBytes());
            ctx.writeAndFlush(response);
        }
    }
}
