package dev.mcpguard.bench;

import dev.mcpguard.audit.AuditTrail;
import dev.mcpguard.audit.DecisionLog;
import dev.mcpguard.audit.OperatorLog;
import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.egress.EgressGate;
import dev.mcpguard.egress.EgressPolicy;
import dev.mcpguard.egress.HostAddresses;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Properties;
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
 * The EGRESS gate's decision at connect time (design §12), as the connect hook asks it: the {@code private}
 * deny set and an allow list holding each kind of entry (a CIDR, a {@code host:port}, a {@code *:port}).
 * A public address (every deny range compared, every allow entry skipped), a private address allowed by
 * the CIDR, one allowed by its name and port (the one entry that reads the name the application connected
 * by), and the cloud metadata address, denied. Then the whole of what the connect hook runs (its advice is
 * one call of {@link EgressGate#check(InetAddress, int)}) for the two allowed cases. The target (issue 15): the
 * hook within 2 µs a connection; {@link EgressConnectLoop} measures that end to end.
 *
 * <p>Run: {@code java -jar integration-tests/bench/target/benchmarks.jar EgressBenchmark -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EgressBenchmark {
    EgressPolicy policy;
    InetAddress publicAddress;
    InetAddress allowedByCidr;
    InetAddress allowedByName;
    InetAddress metadata;

    @Setup
    public void setUp() throws UnknownHostException {
        Config config = Config.load(new KnobSource(Map.of("MCPGUARD_EGRESS_MODE", "enforce",
                "MCPGUARD_EGRESS_ALLOW", "10.1.0.0/16,db.internal:5432,*:6379"), new Properties()));
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        // the default deny set, this host's own addresses included: a public address is compared with each
        policy = config.egressPolicy(HostAddresses.watch(new OperatorLog(nowhere)));
        publicAddress = InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34});
        allowedByCidr = InetAddress.getByAddress(new byte[] {10, 1, 2, 3});
        // as a resolver returns it: the name kept beside the address, so no lookup is made here
        allowedByName = InetAddress.getByAddress("db.internal", new byte[] {10, 9, 8, 7});
        metadata = InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
        if (allowPublic() != null || allowByCidr() != null || allowByHostAndPort() != null || denyMetadata() == null) {
            throw new IllegalStateException("the policy does not decide as the benchmark assumes");
        }
        try {
            EgressGate.install(policy, new AuditTrail(new DecisionLog(true, () -> nowhere), false, new OperatorLog(nowhere)),
                    true);
        } catch (IllegalStateException installedAlready) {
            // run unforked (-f 0): an earlier benchmark of this class installed the same policy
        }
    }

    /** The common case: an outbound connection to the internet. */
    @Benchmark
    public String allowPublic() {
        return policy.deniedBy(publicAddress, 443);
    }

    /** The application's own database in a private range, on the allow list by CIDR. */
    @Benchmark
    public String allowByCidr() {
        return policy.deniedBy(allowedByCidr, 5432);
    }

    /** The same, on the allow list by {@code host:port}. */
    @Benchmark
    public String allowByHostAndPort() {
        return policy.deniedBy(allowedByName, 5432);
    }

    /** 169.254.169.254: denied (the decision only; the refusal's line and exception come on top). */
    @Benchmark
    public String denyMetadata() {
        return policy.deniedBy(metadata, 80);
    }

    /** What the connect hook runs for a connection to the internet. */
    @Benchmark
    public void hookAllowPublic() throws ConnectException {
        EgressGate.check(publicAddress, 443);
    }

    /** What the connect hook runs for the application's database on the allow list by {@code host:port}. */
    @Benchmark
    public void hookAllowByHostAndPort() throws ConnectException {
        EgressGate.check(allowedByName, 5432);
    }
}
