package com.example.legacymcp.core;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The {@code main} of each demo jar: parses the command line, starts the chosen stack, prints
 * {@code LISTENING <host>:<port> <stack>} and serves until the JVM is told to stop (SIGTERM).
 */
public final class Launcher {

    private final String jar;
    private final List<? extends DemoStack> stacks;
    private final String otherStacks;

    /**
     * @param jar         the jar's file name, for {@code --help} and error messages
     * @param otherStacks one sentence for {@code --help} on the stacks that the other jar serves
     */
    public Launcher(String jar, List<? extends DemoStack> stacks, String otherStacks) {
        this.jar = jar;
        this.stacks = List.copyOf(stacks);
        this.otherStacks = otherStacks;
    }

    public void run(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help")) {
            System.out.print(usage());
            return;
        }
        String program = jar.replaceFirst("\\.jar$", "");
        Options options;
        try {
            options = Options.parse(args, stacks);
        } catch (IllegalArgumentException e) {
            System.err.println(program + ": " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }

        RunningServer server;
        // Every stack reads the key while it starts: deleted right after, no kill -9 leaves it behind.
        try (SelfSignedKeystore keystore = options.tls() ? SelfSignedKeystore.generate() : null) {
            server = options.stack().start(options, keystore);
        } catch (Exception e) {
            System.err.println(program + ": cannot start " + options.stack().cliName() + ": " + e);
            // Threads the stack has already started (the SDK transport's, event loops) would keep the JVM up.
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println(program + ": unclean stop: " + e);
            }
        }, program + "-shutdown"));

        if (server.ajpPort() != Options.NO_AJP) {
            System.out.println("LISTENING-AJP " + options.hostForDisplay() + ":" + server.ajpPort()
                    + " " + options.stack().cliName());
        }
        System.out.println("LISTENING " + options.hostForDisplay() + ":" + server.port()
                + " " + options.stack().cliName());
        System.out.flush();
        server.join();
    }

    String usage() {
        int width = stacks.stream().mapToInt(stack -> stack.cliName().length()).max().orElse(0) + 2;
        StringBuilder text = new StringBuilder("Usage: java -jar " + jar
                + " --stack=<stack> --port=<n> [--host=<addr>] [--trust-forwarded] [--http2 | --tls]\n"
                + "       [--proxy-protocol] [--ajp-port=<n>] [--inflate-requests]\n\nStacks:\n");
        for (DemoStack stack : stacks) {
            String summary = stack.summary().replace("\n", "\n" + " ".repeat(width + 3));
            text.append(String.format("  %-" + width + "s %s%n", stack.cliName(), summary));
        }
        return text.append("\n").append(otherStacks).append("\n").append("""

                Options:
                  --stack=<stack>    HTTP stack to serve on (required)
                  --port=<n>         TCP port to listen on, 0 for any free port (required)
                  --host=<addr>      address to listen on (default 0.0.0.0)
                  --trust-forwarded  let the stack take the client address from Forwarded /
                                     X-Forwarded-For headers, whoever sends them%s
                  --http2            serve HTTP/2 in cleartext (h2c) beside HTTP/1.1 on the port, both
                                     by Upgrade: h2c and by prior knowledge%s
                  --tls              serve HTTPS only, with a certificate for localhost, 127.0.0.1 and ::1
                                     self-signed at each start; ALPN offers h2 and http/1.1.
                                     Not with --http2, as --tls already offers h2%s
                  --proxy-protocol   take each connection's client address from the PROXY protocol
                                     header (v1 or v2) it starts with, as behind HAProxy%s
                  --ajp-port=<n>     also serve AJP/1.3 on port n (0 for any free one), at --host,
                                     no secret required; prints LISTENING-AJP <host>:<port> <stack>%s
                  --inflate-requests have the server inflate request bodies sent with
                                     Content-Encoding: gzip or deflate%s
                  --help             print this help and exit
                """.formatted(
                        without(DemoStack::forwardedHeaders, "ignored by %s, which have no such feature"),
                        without(DemoStack::http2, "refused by %s: no HTTP/2"),
                        without(DemoStack::http2, "http/1.1 only on %s"),
                        without(DemoStack::proxyProtocol, "refused by %s"),
                        without(DemoStack::ajp, "refused by %s"),
                        without(DemoStack::inflatesRequests, "refused by %s"))).toString();
    }

    /** A continuation line for {@code --help} naming the stacks that lack {@code feature}, if any. */
    private String without(Predicate<DemoStack> feature, String format) {
        List<String> names = stacks.stream().filter(feature.negate()).map(DemoStack::cliName).toList();
        return names.isEmpty()
                ? ""
                : String.format("%n                     (" + format + ")", String.join(", ", names));
    }
}
