package dev.mcpguard.bench;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.net.PathNormalizer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
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
 * Where the allow path's time goes: the token check ({@link AcceptedTokens#accepts}, a SHA-256
 * of the presented token and a constant-time compare) next to a bare SHA-256 of the same bytes,
 * and path normalization.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class PartsBenchmark {
    private final String header = "Bearer " + GuardBenchmark.TOKEN;
    private String path = "/mcp";
    private final byte[] tokenBytes = GuardBenchmark.TOKEN.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final byte[] out = new byte[32];
    private AcceptedTokens tokens;
    private MessageDigest sha256;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        tokens = AcceptedTokens.of(List.of(AcceptedTokens.Entry.anonymous(AcceptedTokens.sha256(GuardBenchmark.TOKEN))));
        sha256 = MessageDigest.getInstance("SHA-256");
    }

    /** The AUTH gate's token check as the agent does it. */
    @Benchmark
    public boolean tokenAccepts() {
        return tokens.authenticate(header, 7, header.length(), 0L).principal() != null;
    }

    /** SHA-256 of the token's bytes in one update: the floor for a digest-comparing check. */
    @Benchmark
    public byte[] sha256Bulk() throws DigestException {
        sha256.update(tokenBytes, 0, tokenBytes.length);
        sha256.digest(out, 0, 32);
        return out;
    }

    @Benchmark
    public String normalizePath() {
        return PathNormalizer.normalize(path);
    }
}
