package dev.mcpguard.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the EGRESS gate's connect hook costs end to end: {@code java.net.Socket} connects and closes to a
 * listener on 127.0.0.1, in a JVM without the agent (A) and in one under it enforcing with 127.0.0.1 on
 * {@code MCPGUARD_EGRESS_ALLOW} (B, so every connect is judged and allowed), alternated A B A B … in fresh
 * JVMs; it prints each run's µs per connect, the medians, the best runs and B − A of each. A connect on
 * loopback costs tens of µs, so the difference is read against the spread of the A runs, which it prints too.
 *
 * <p>Run, after {@code mvn -B -q package -DskipTests -pl integration-tests/bench -am}:
 * {@code java -cp integration-tests/bench/target/classes dev.mcpguard.bench.EgressConnectLoop
 * agent/target/mcpguard-agent.jar [rounds] [connects per run]}. The class path is the bench's own classes,
 * not benchmarks.jar, whose copy of the gate core would shadow the agent's. Only 127.0.0.1 is spoken to.
 */
public final class EgressConnectLoop {
    private static final String CHILD = "--child";
    private static final String PREFIX = "us/connect ";
    /** Where the child under the agent checks that the gate is on: a connect here must be refused (127/8 is denied). */
    private static final String REFUSED_PROBE = "127.0.0.2";

    private EgressConnectLoop() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && CHILD.equals(args[0])) {
            child(Integer.parseInt(args[1]), Boolean.parseBoolean(args[2]));
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: EgressConnectLoop <mcpguard-agent.jar> [rounds=5] [connects per run=20000]");
            System.exit(2);
        }
        Path agent = Path.of(args[0]);
        if (!Files.isRegularFile(agent)) {
            throw new IllegalArgumentException("no agent jar at " + agent);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int connects = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        double[] without = new double[rounds];
        double[] with = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            without[round] = run(null, connects);
            with[round] = run(agent, connects);
            System.out.printf(Locale.ROOT, "round %d: without agent %.2f us/connect, with agent %.2f us/connect%n",
                    round + 1, without[round], with[round]);
        }
        double a = median(without);
        double b = median(with);
        System.out.printf(Locale.ROOT, "median: without %.2f, with %.2f, difference %+.2f us/connect"
                + " (spread of the runs without: %.2f..%.2f)%n", a, b, b - a, min(without), max(without));
        // the fastest run of each is the one the machine's other work disturbed least
        System.out.printf(Locale.ROOT, "best: without %.2f, with %.2f, difference %+.2f us/connect%n",
                min(without), min(with), min(with) - min(without));
    }

    /** One child JVM's µs per connect, with the agent enforcing (127.0.0.1 allowed) or without it when {@code agent} is null. */
    private static double run(Path agent, int connects) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms64m", "-Xmx64m"));
        if (agent != null) {
            command.add("-javaagent:" + agent);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EgressConnectLoop.class.getName(), CHILD,
                Integer.toString(connects), Boolean.toString(agent != null)));
        // the agent's banner and lines stay out of the table, but are shown when the run fails
        Path stderr = Files.createTempFile("egress-connect-loop", ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("MCPGUARD_"));
        if (agent != null) {
            builder.environment().put("MCPGUARD_EGRESS_MODE", "enforce");
            builder.environment().put("MCPGUARD_EGRESS_ALLOW", "127.0.0.1/32");
        }
        Process process = builder.start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(PREFIX)) {
                    result = line.substring(PREFIX.length());
                } else {
                    System.out.println("child: " + line);
                }
            }
        }
        try {
            if (process.waitFor() != 0 || result == null) {
                throw new IllegalStateException("the child run " + command + " failed (exit " + process.exitValue() + "):\n"
                        + Files.readString(stderr));
            }
            return Double.parseDouble(result);
        } finally {
            Files.delete(stderr);
        }
    }

    /**
     * Connects and closes {@code connects} times after as many to warm up, and prints the µs per connect. Under
     * the agent it first checks that the gate is on, else the run would measure nothing.
     */
    private static void child(int connects, boolean gated) throws IOException {
        if (gated) {
            requireGate();
        }
        try (ServerSocket server = new ServerSocket(0, 1024, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> acceptAndClose(server), "acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
            connect(address, connects);
            long start = System.nanoTime();
            connect(address, connects);
            long elapsed = System.nanoTime() - start;
            System.out.printf(Locale.ROOT, PREFIX + "%.3f%n", elapsed / 1000.0 / connects);
        }
    }

    private static void requireGate() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(REFUSED_PROBE, 9));
            throw new IllegalStateException("a connect to " + REFUSED_PROBE + " was not refused: the EGRESS gate is off");
        } catch (ConnectException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("mcpguard: egress to ")) {
                throw new IllegalStateException("a connect to " + REFUSED_PROBE + " failed, but not by the EGRESS gate", e);
            }
        }
    }

    private static void connect(InetSocketAddress address, int times) throws IOException {
        for (int i = 0; i < times; i++) {
            try (Socket socket = new Socket()) {
                // a reset instead of a FIN: no TIME_WAIT left behind to exhaust the ephemeral ports
                socket.setSoLinger(true, 0);
                socket.connect(address);
            }
        }
    }

    private static void acceptAndClose(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                server.accept().close();
            } catch (IOException e) {
                // closed at the end of the run
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }
}
