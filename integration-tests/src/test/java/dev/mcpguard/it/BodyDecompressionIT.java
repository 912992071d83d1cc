package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BODY gate on servers that inflate request bodies themselves (the demo's {@code --inflate-requests}): §4 Body
 * counts what the application reads, after that decoding. A compression bomb, a body whose declared (compressed)
 * length is far under the limit and which inflates to far over it, must be cut at the limit: {@code POST /upload}
 * reads the body to its end and answers {@code {"bytes":N}}, so an application handed more would show it.
 */
class BodyDecompressionIT {

    private static final String PATH = "/upload";

    /** Larger than the bomb as sent, so that a declared length alone never refuses it. */
    private static final int LIMIT = 256 * 1024;

    /** 64 MiB of zeros: some 64 KiB compressed. */
    private static final int BOMB = 64 << 20;

    /** The stacks whose demo server can inflate (Reactor Netty has no request decompression of its own). */
    private static final Set<String> INFLATING = Set.of("undertow", "vertx", "netty");

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.of(Launch.standard()
            .with("MCPGUARD_MAX_BODY_BYTES", "256KiB")
            .withOption("--inflate-requests"));

    /** A content coding, and how to compress with it. */
    enum Coding {
        GZIP("gzip"),
        DEFLATE("deflate");

        final String token;

        Coding(String token) {
            this.token = token;
        }

        byte[] zeros(int size) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream out = this == GZIP ? new GZIPOutputStream(compressed) : new DeflaterOutputStream(compressed)) {
                byte[] block = new byte[64 * 1024];
                for (int written = 0; written < size; written += block.length) {
                    out.write(block, 0, Math.min(block.length, size - written));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return compressed.toByteArray();
        }
    }

    static Stream<Arguments> stacksAndCodings() {
        return Stacks.ALL.stream().filter(stack -> INFLATING.contains(stack.name()))
                .flatMap(stack -> Stream.of(Coding.values()).map(coding -> Arguments.of(stack, coding)));
    }

    static Stream<Stack> stacks() {
        return Stacks.ALL.stream().filter(stack -> INFLATING.contains(stack.name()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndCodings")
    void aBombWithADeclaredLengthUnderTheLimitIsCutAtTheLimit(Stack stack, Coding coding) {
        byte[] bomb = coding.zeros(BOMB);
        assertThat(bomb.length).as("the bomb as sent").isLessThan(LIMIT);

        refusedAndClosed(stack, upload(coding).body(bomb));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void aChunkedBombIsCutAtTheLimit(Stack stack) {
        Request chunked = upload(Coding.GZIP).header("Transfer-Encoding", "chunked")
                .rawBody(chunks(Coding.GZIP.zeros(BOMB), 8 * 1024));

        refusedAndClosed(stack, chunked);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndCodings")
    void aCompressedBodyInflatingToUnderTheLimitPassesWhole(Stack stack, Coding coding) {
        int inflated = LIMIT - 1024;
        Exchange ex = SERVERS.on(stack).exchange(upload(coding).body(coding.zeros(inflated)));

        Expect.passed(ex, 200);
        assertThat(ex.response().text()).isEqualTo("{\"bytes\":" + inflated + "}");
    }

    /** The refusal, never the application's answer (which would count the bytes it got), and one decision line. */
    private static void refusedAndClosed(Stack stack, Request request) {
        DemoServer server = SERVERS.on(stack);
        int mark = server.mark();
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(request.bytes(server.port()));
            RawResponse response = http.readResponse();

            Expect.refusal(response, Refusal.BODY_TOO_LARGE);
            assertThat(response.header("Connection")).as("Connection").isEqualToIgnoringCase("close");
            assertThat(http.closedByServer()).as("the server closed the connection").isTrue();
        }
        Expect.onlyLine(server.decisionsSince(mark), "blocked", Refusal.BODY_TOO_LARGE, "POST", PATH, stack);
    }

    private static byte[] chunks(byte[] body, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int start = 0; start < body.length; start += size) {
            int length = Math.min(size, body.length - start);
            out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, start, length);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static Request upload(Coding coding) {
        return Request.post(PATH).bearer(TOKEN).header("Content-Encoding", coding.token);
    }
}
