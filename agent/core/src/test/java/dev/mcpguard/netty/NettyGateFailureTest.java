package dev.mcpguard.netty;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.testing.AdapterGuard;
import dev.mcpguard.testing.FailingSink;
import dev.mcpguard.testing.WovenAdvice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Netty HTTP/1 gate when its own code throws an Error past the guard's verdict (the guard's
 * decision sink fails, from inside the guard's failure handling too): the request never reaches the
 * application; it is refused 503 {@code gate_error}, or the connection is closed when not even that
 * can be done; and the failure is counted.
 */
class NettyGateFailureTest {
    private static final String REQUEST = "GET /mcp HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            + AdapterGuard.TOKEN + "\r\n\r\n";

    private static WovenAdvice advice;

    private final RecordingSink sink = new RecordingSink();
    private final List<String> handled = new ArrayList<>();
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
        channel.finishAndReleaseAll();
        guard.close();
    }

    @Test
    void aFailureOutOfTheGuardIsRefused503AndNeverReachesTheApplication() {
        server(2);

        String out = send(REQUEST);

        assertThat(handled).isEmpty();
        assertThat(out).startsWith("HTTP/1.1 503 ").contains("\"gate_error\"");
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).as("both failures counted").hasSize(2)
                .allSatisfy(failure -> assertThat(failure.error()).isInstanceOf(LinkageError.class));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void whenNotEvenTheRefusalCanBeHadTheConnectionIsClosedUnanswered() {
        server(Integer.MAX_VALUE);

        String out = send(REQUEST + REQUEST);

        assertThat(handled).isEmpty();
        assertThat(out).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(sink.failures()).as("every failure counted").hasSize(3);
    }

    private void server(int sinkFailures) {
        guard = AdapterGuard.activate(new FailingSink(sink, sinkFailures), 1024);
        channel = new EmbeddedChannel();
        channel.pipeline().addLast("codec", new HttpServerCodec());
        channel.pipeline().addLast("app", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest) {
                    handled.add(((HttpRequest) msg).uri());
                }
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                handled.add("exception: " + cause);
            }
        });
        assertThat(channel.pipeline().names()).as("the gate is placed by the advice").contains(GatePlacement.NAME);
    }

    private String send(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, US_ASCII));
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (Object message; (message = channel.readOutbound()) != null; ) {
            out.append(((ByteBuf) message).toString(US_ASCII));
            ReferenceCountUtil.release(message);
        }
        return out.toString();
    }
}
