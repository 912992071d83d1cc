package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.MAX_BODY;
import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * §4 Body on Jetty with a {@code GzipHandler} that inflates request bodies ({@code --inflate-requests}): the
 * 1 KiB limit counts what the application reads, inflated, not the compressed bytes on the wire. {@code POST
 * /upload} reads the body to its end and answers {@code {"bytes":N}}, so a body the application got in full would
 * show in the answer.
 */
class JettyInflationIT {

    private static final String PATH = "/upload";

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.of(Launch.standard().withOption("--inflate-requests"));

    static Stream<Stack> inflatingJetty() {
        return Stacks.ALL.stream().filter(stack -> stack == Stacks.JETTY || stack == Stacks.JETTY10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inflatingJetty")
    void aBombDeclaredUnderTheLimitIsCutAsItInflates(Stack stack) {
        // 960 KiB of zeros in under 1 KiB: the declared length passes the BODY gate's own check
        byte[] bomb = gzip(new byte[960 << 10]);
        assertThat(bomb.length).as("compressed size").isLessThan(MAX_BODY);

        // without the cut, the application answers {"bytes":983040}
        refusedAndClosed(stack, upload().header("Content-Encoding", "gzip").body(bomb).bytes(SERVERS.on(stack).port()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inflatingJetty")
    void aChunkedBombIsCutAsItInflates(Stack stack) {
        byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB in about 64 KiB

        refusedAndClosed(stack, upload().header("Content-Encoding", "gzip").header("Transfer-Encoding", "chunked")
                .rawBody(chunked(bomb)).bytes(SERVERS.on(stack).port()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inflatingJetty")
    void aCompressedBodyAtTheLimitInflatedGetsThrough(Stack stack) {
        Exchange ex = SERVERS.on(stack).exchange(
                upload().header("Content-Encoding", "gzip").body(gzip(Request.filler(MAX_BODY))));

        Expect.passed(ex, 200);
        assertThat(ex.response().text()).isEqualTo("{\"bytes\":" + MAX_BODY + "}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inflatingJetty")
    void aCompressedBodyOneByteOverTheLimitInflatedIsCut(Stack stack) {
        byte[] body = gzip(Request.filler(MAX_BODY + 1));
        assertThat(body.length).as("compressed size").isLessThan(MAX_BODY);

        refusedAndClosed(stack, upload().header("Content-Encoding", "gzip").body(body).bytes(SERVERS.on(stack).port()));
    }

    private static void refusedAndClosed(Stack stack, byte[] bytes) {
        Expect.tooLargeAndClosed(SERVERS.on(stack), bytes, PATH);
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code body} as chunks of at most 8 KiB, then the last chunk. */
    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int from = 0; from < body.length; from += 8192) {
            int size = Math.min(8192, body.length - from);
            out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body, from, size);
            out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static Request upload() {
        return Request.post(PATH).bearer(TOKEN);
    }
}
