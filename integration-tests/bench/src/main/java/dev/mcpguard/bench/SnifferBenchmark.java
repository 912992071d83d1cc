package dev.mcpguard.bench;

import dev.mcpguard.core.JsonRpcSniffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MCP gate's JSON-RPC sniffer on a 1 KiB {@code tools/call} body, as the MCP gate runs it
 * per request: a new {@link JsonRpcSniffer}, the body fed, {@code end()}. From a byte[] in one
 * read ({@code whole}), in eight reads of 128 bytes ({@code eightReads}), and from a direct
 * buffer ({@code directBuffer}, read through the sniffer's window). MB/s = {@link #SIZE} bytes /
 * (ns/op) × 1000; the target is 1,000 MB/s per core.
 *
 * <p>Run: {@code java -jar integration-tests/bench/target/benchmarks.jar SnifferBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SnifferBenchmark {
    static final int SIZE = 1024;

    /** Accepts every message; the tool it names must reach the gate, so it is kept. */
    static final class Tools implements JsonRpcSniffer.Messages {
        String tool;

        @Override
        public boolean message(String method, String name) {
            tool = name;
            return true;
        }
    }

    byte[] body;
    ByteBuffer direct;
    final Tools tools = new Tools();

    @Setup
    public void setUp() {
        body = body();
        direct = ByteBuffer.allocateDirect(body.length).put(body).flip();
        if (body.length != SIZE || whole() != JsonRpcSniffer.COMPLETE || !"write_file".equals(tools.tool)) {
            throw new IllegalStateException("the benchmark body must be read whole");
        }
    }

    /** A {@value #SIZE}-byte {@code tools/call} of {@code write_file}, as an assistant writes one. */
    static byte[] body() {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"write_file\","
                + "\"arguments\":{\"path\":\"/srv/notes/today.md\",\"overwrite\":true,\"content\":\"";
        String tail = "\"},\"_meta\":{\"progressToken\":7}}}";
        // argument text as an assistant writes it: prose, a few escapes, a little non-ASCII
        String line = "Meeting notes \u2014 decide the rollout order, then \\\"ship\\\" it.\\n";
        StringBuilder text = new StringBuilder();
        while (utf8(head + text + line + tail) <= SIZE) {
            text.append(line);
        }
        text.append("x".repeat(SIZE - utf8(head + text + tail)));
        return (head + text + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Benchmark
    public int whole() {
        JsonRpcSniffer sniffer = new JsonRpcSniffer(tools);
        sniffer.feed(body, 0, body.length);
        return sniffer.end();
    }

    @Benchmark
    public int eightReads() {
        JsonRpcSniffer sniffer = new JsonRpcSniffer(tools);
        for (int at = 0; at < body.length; at += 128) {
            sniffer.feed(body, at, Math.min(128, body.length - at));
        }
        return sniffer.end();
    }

    @Benchmark
    public int directBuffer() {
        JsonRpcSniffer sniffer = new JsonRpcSniffer(tools);
        sniffer.feed(direct);
        return sniffer.end();
    }
}
