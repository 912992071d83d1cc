package dev.mcpguard.bench;

import dev.mcpguard.config.Config;
import dev.mcpguard.config.KnobSource;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.openjdk.jol.info.GraphLayout;

/**
 * The memory the RATE gate's buckets and the MCP gate's session table hold under a flood of
 * distinct client addresses, principals and session ids: the guard's retained size (JOL walks its
 * object graph) before and after each flood. Not a benchmark of time.
 *
 * <p>Run: {@code java -cp integration-tests/bench/target/benchmarks.jar dev.mcpguard.bench.TableFootprint}.
 */
public final class TableFootprint {
    private static final int FLOOD = 1_000_000;

    private TableFootprint() {
    }

    public static void main(String[] args) throws IOException {
        addresses("IPv4", i -> "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
        addresses("IPv6, one per /64", i -> "2001:db8:" + Integer.toHexString(i >> 16) + ":" + Integer.toHexString(i & 0xffff) + "::1");
        addresses("IPv6, one /64", i -> "2001:db8::" + Integer.toHexString(i >> 16) + ":" + Integer.toHexString(i & 0xffff));
        principals();
        sessions();
    }

    private interface Address {
        String of(int i);
    }

    /** A flood of requests without a principal, each from another address. */
    private static void addresses(String kind, Address address) {
        Guard guard = guard(Map.of("MCPGUARD_NO_AUTH", "1", "MCPGUARD_RATE_LIMIT", "1/min"));
        long before = size(guard);
        int refused = 0;
        for (int i = 0; i < FLOOD; i++) {
            refused += guard.check(request(address.of(i), null, null), "bench").allowed() ? 0 : 1;
        }
        report("addresses, " + kind, FLOOD, refused, before, size(guard));
    }

    /**
     * Distinct principals, each with its own token file entry: the per-principal cost. Their table
     * is the addresses' kind, with the same bound; more entries than this only measure the token
     * file's linear, constant-time search.
     */
    private static void principals() throws IOException {
        int count = 5_000;
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < count; i++) {
            file.append("token-").append(i).append(" name=p").append(i).append('\n');
        }
        Path tokens = Files.createTempFile("mcpguard-footprint", ".tokens");
        try {
            Files.writeString(tokens, file);
            Guard guard = guard(Map.of("MCPGUARD_TOKEN_FILE", tokens.toString(), "MCPGUARD_RATE_LIMIT", "1/min",
                    "MCPGUARD_SESSION_BINDING", "off"));
            long before = size(guard);
            int refused = 0;
            for (int i = 0; i < count; i++) {
                refused += guard.check(request("127.0.0.1", "token-" + i, null), "bench").allowed() ? 0 : 1;
            }
            report("principals", count, refused, before, size(guard));
        } finally {
            Files.delete(tokens);
        }
    }

    /** Distinct session ids, 1,000 from each of 200 principals: more than the table takes. */
    private static void sessions() throws IOException {
        int principals = 200;
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < principals; i++) {
            file.append("token-").append(i).append(" name=p").append(i).append('\n');
        }
        Path tokens = Files.createTempFile("mcpguard-footprint", ".tokens");
        try {
            Files.writeString(tokens, file);
            Guard guard = guard(Map.of("MCPGUARD_TOKEN_FILE", tokens.toString()));
            for (int p = 0; p < principals; p++) {
                guard.check(request("127.0.0.1", "token-" + p, null), "bench"); // principal known, no session yet
            }
            long before = size(guard);
            int refused = 0;
            int requests = 0;
            for (int p = 0; p < principals; p++) {
                for (int s = 0; s < 1_000; s++, requests++) {
                    Verdict verdict = guard.check(request("127.0.0.1", "token-" + p,
                            java.util.UUID.nameUUIDFromBytes((p + "/" + s).getBytes()).toString()), "bench");
                    refused += verdict.allowed() ? 0 : 1;
                }
            }
            report("session ids (UUIDs)", requests, refused, before, size(guard));
        } finally {
            Files.delete(tokens);
        }
    }

    private static Guard guard(Map<String, String> knobs) {
        Map<String, String> env = new HashMap<>(knobs);
        env.put("MCPGUARD_ALLOWED_HOSTS", "*");
        Config config = Config.load(new KnobSource(env, new Properties()));
        return new Guard(config.guardSettings(config.acceptedTokens(), null, null), GuardBenchmark.NO_OP);
    }

    private static ArrayRequest request(String peer, String token, String session) {
        java.util.List<String> headers = new java.util.ArrayList<>(java.util.List.of("Host", "mcp.example"));
        if (token != null) {
            headers.addAll(java.util.List.of("Authorization", "Bearer " + token));
        }
        if (session != null) {
            headers.addAll(java.util.List.of("Mcp-Session-Id", session));
        }
        return new ArrayRequest("POST", "/mcp", peer, "10.0.0.2", headers.toArray(new String[0]));
    }

    private static long size(Object root) {
        return GraphLayout.parseInstance(root).totalSize();
    }

    private static void report(String flood, int requests, int refused, long before, long after) {
        System.out.printf("%-28s %,10d requests (%,d refused): guard %,12d -> %,12d bytes (+%,d, %.1f MiB)%n",
                flood, requests, refused, before, after, after - before, (after - before) / 1048576.0);
    }
}
