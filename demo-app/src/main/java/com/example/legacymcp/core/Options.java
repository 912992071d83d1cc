package com.example.legacymcp.core;

import java.util.List;

/** The command line, see {@link Launcher#usage}. */
public record Options(DemoStack stack, String host, int port, boolean trustForwarded, boolean http2, boolean tls,
        boolean proxyProtocol, int ajpPort, boolean inflateRequests) {

    /** {@link #ajpPort} when there is no AJP connector. */
    public static final int NO_AJP = -1;

    static Options parse(String[] args, List<? extends DemoStack> stacks) {
        DemoStack stack = null;
        Integer port = null;
        String host = "0.0.0.0";
        boolean trustForwarded = false;
        boolean http2 = false;
        boolean tls = false;
        boolean proxyProtocol = false;
        int ajpPort = NO_AJP;
        boolean inflateRequests = false;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "--stack" -> stack = stack(required(name, value), stacks);
                case "--port" -> port = port(required(name, value));
                case "--host" -> host = required(name, value);
                case "--trust-forwarded" -> trustForwarded = flag(name, value);
                case "--http2" -> http2 = flag(name, value);
                case "--tls" -> tls = flag(name, value);
                case "--proxy-protocol" -> proxyProtocol = flag(name, value);
                case "--ajp-port" -> ajpPort = port(name, required(name, value));
                case "--inflate-requests" -> inflateRequests = flag(name, value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (stack == null) {
            throw new IllegalArgumentException("--stack is required");
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        if (http2 && tls) {
            throw new IllegalArgumentException("--http2 and --tls exclude each other: with --tls, ALPN offers h2");
        }
        if (http2 && !stack.http2()) {
            throw new IllegalArgumentException("--http2: " + stack.cliName() + " has no HTTP/2");
        }
        if (proxyProtocol && !stack.proxyProtocol()) {
            throw new IllegalArgumentException("--proxy-protocol: " + stack.cliName() + " has no PROXY protocol support");
        }
        if (ajpPort != NO_AJP && !stack.ajp()) {
            throw new IllegalArgumentException("--ajp-port: " + stack.cliName() + " has no AJP connector");
        }
        if (inflateRequests && !stack.inflatesRequests()) {
            throw new IllegalArgumentException("--inflate-requests: " + stack.cliName() + " cannot inflate request bodies");
        }
        return new Options(stack, host, port, trustForwarded, http2, tls, proxyProtocol, ajpPort, inflateRequests);
    }

    /** The host as given, bracketed if it is an IPv6 literal, ready to be followed by {@code :port}. */
    public String hostForDisplay() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static DemoStack stack(String name, List<? extends DemoStack> stacks) {
        return stacks.stream()
                .filter(stack -> stack.cliName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown stack " + name));
    }

    private static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return value;
    }

    private static boolean flag(String name, String value) {
        if (value != null) {
            throw new IllegalArgumentException(name + " takes no value");
        }
        return true;
    }

    private static int port(String value) {
        return port("--port", value);
    }

    private static int port(String name, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        throw new IllegalArgumentException(name + " must be a number from 0 to 65535, not " + value);
    }
}
