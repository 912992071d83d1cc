package com.example.legacymcp.core;

import java.util.Arrays;
import java.util.List;

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
        try {
            server = options.stack().start(options);
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

        System.out.println("LISTENING " + options.hostForDisplay() + ":" + server.port()
                + " " + options.stack().cliName());
        System.out.flush();
        server.join();
    }

    String usage() {
        int width = stacks.stream().mapToInt(stack -> stack.cliName().length()).max().orElse(0) + 2;
        StringBuilder text = new StringBuilder("Usage: java -jar " + jar
                + " --stack=<stack> --port=<n> [--host=<addr>] [--trust-forwarded]\n\nStacks:\n");
        for (DemoStack stack : stacks) {
            text.append(String.format("  %-" + width + "s %s%n", stack.cliName(), stack.summary()));
        }
        List<String> without = stacks.stream().filter(stack -> !stack.forwardedHeaders()).map(DemoStack::cliName).toList();
        String ignored = without.isEmpty() ? "" : String.format(
                "%n                     (ignored by %s, which have no such feature)", String.join(", ", without));
        return text.append("\n").append(otherStacks).append("\n").append("""

                Options:
                  --stack=<stack>    HTTP stack to serve on (required)
                  --port=<n>         TCP port to listen on, 0 for any free port (required)
                  --host=<addr>      address to listen on (default 0.0.0.0)
                  --trust-forwarded  let the stack take the client address from Forwarded /
                                     X-Forwarded-For headers, whoever sends them%s
                  --help             print this help and exit
                """.formatted(ignored)).toString();
    }
}
