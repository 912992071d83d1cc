package dev.mcpguard.authserver;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --port=N [--host=127.0.0.1] [--keys=FILE] [--token-ttl=SECONDS]}. */
record Options(String host, int port, Path keys, Duration tokenTtl) {

    private static final Set<String> KNOWN = Set.of("host", "port", "keys", "token-ttl");

    static Options parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (!arg.startsWith("--") || pair.length != 2 || !KNOWN.contains(pair[0])) {
                throw new IllegalArgumentException("unknown option '" + arg + "': --port=N [--host=127.0.0.1] [--keys=FILE] [--token-ttl=SECONDS]");
            }
            options.put(pair[0], pair[1]);
        }
        String host = options.getOrDefault("host", "127.0.0.1");
        requireLoopback(host);
        String keys = options.get("keys");
        return new Options(host, Integer.parseInt(options.getOrDefault("port", "0")), keys == null ? null : Path.of(keys),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("token-ttl", "300"))));
    }

    /** A test server that hands out tokens to anyone who knows the test's secrets: never on a reachable address. */
    private static void requireLoopback(String host) {
        try {
            if (!InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException("--host must be a loopback address, not " + host);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host " + host + " does not resolve", e);
        }
    }

    /** {@code http://<host>:<port>}, no path: the issuer once the port is known. */
    String issuer(int boundPort) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }
}
