package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpguard.it.DemoServer.TestJars;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EGRESS gate (design §12) on every way a JVM connects or sends: each client library of {@link EgressProbe},
 * TCP and UDP, run in one JVM under the agent per mode, against loopback destinations that {@code private}
 * denies and that an {@link EgressRecorder} of this JVM owns, so a connect the gate fails to stop is
 * counted here and goes nowhere else. No inbound request is being served, so no line names a user or path.
 */
class EgressClientsIT {
    private static final List<String> TCP = List.of("socket", "socket-ctor", "urlconnection", "httpclient", "httpclient-async",
            "nio", "nio2", "netty-nio", "netty-epoll", "apache", "okhttp");
    private static final String BATCH = "netty-epoll-udp-batch";
    private static final List<String> UDP = List.of("udp-send", "udp-socket", "udp-socket-connect", "udp-connect", "netty-epoll-udp", BATCH);
    /** How the agent reports the gate's hook woven into a class, as the class loads. */
    private static final String INSTRUMENTED = " INFO mcpguard - instrumented egress: ";
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How long a refused connect is given to show up at the recorder anyway, or a late line on stderr, before either is read. */
    private static final Duration SETTLE = Duration.ofMillis(300);

    @Test
    void enforceRefusesEveryClientAndNothingArrives() throws Exception {
        try (EgressRecorder tcp4 = EgressRecorder.tcp("127.0.0.1", 0); EgressRecorder tcp6 = EgressRecorder.tcp("::1", 0);
                EgressRecorder udp4 = EgressRecorder.udp("127.0.0.1"); EgressRecorder udp6 = EgressRecorder.udp("::1");
                Probe probe = Probe.start(Map.of("MCPGUARD_EGRESS_MODE", "enforce"))) {
            for (String client : TCP) {
                for (EgressRecorder to : List.of(tcp4, tcp6)) {
                    probe.assertRefused(client, to.destination(), to);
                }
            }
            for (String client : UDP) {
                for (EgressRecorder to : List.of(udp4, udp6)) {
                    probe.assertRefused(client, to.destination(), to);
                }
            }
            // a name is judged by the address it resolves to, and the refusal names that address
            for (String client : TCP) {
                probe.assertRefused(client, "localhost:" + tcp4.port(), tcp4);
            }
            Thread.sleep(SETTLE.toMillis());
            for (EgressRecorder recorder : List.of(tcp4, tcp6, udp4, udp6)) {
                assertThat(recorder.count()).as("what reached %s", recorder.destination()).isZero();
            }
            probe.assertNoOtherEgressLine();
            // each path was taken through its own hook, the batch through epoll's sendmmsg array
            for (String hooked : List.of("sun.nio.ch.Net", "sun.nio.ch.DatagramChannelImpl", "io.netty.channel.unix.Socket",
                    "io.netty.channel.epoll.NativeDatagramPacketArray")) {
                assertThat(probe.stderr.all()).as("the hook in %s", hooked).anyMatch(line -> line.endsWith(INSTRUMENTED + hooked));
            }
        }
    }

    @Test
    void logOnlyLetsEveryClientThroughAndSaysSo() throws Exception {
        try (EgressRecorder tcp4 = EgressRecorder.tcp("127.0.0.1", 0); EgressRecorder tcp6 = EgressRecorder.tcp("::1", 0);
                EgressRecorder udp4 = EgressRecorder.udp("127.0.0.1"); EgressRecorder udp6 = EgressRecorder.udp("::1");
                Probe probe = Probe.start(Map.of("MCPGUARD_EGRESS_MODE", "log-only"))) {
            for (String client : TCP) {
                for (EgressRecorder to : List.of(tcp4, tcp6)) {
                    probe.assertConnected(client, to.destination(), to, 1);
                    probe.assertDecision(client, to, "would_block");
                }
            }
            for (String client : UDP) {
                for (EgressRecorder to : List.of(udp4, udp6)) {
                    probe.assertConnected(client, to.destination(), to, sent(client));
                    for (int datagram = 0; datagram < sent(client); datagram++) {
                        probe.assertDecision(client, to, "would_block");
                    }
                }
            }
            probe.assertNoOtherEgressLine();
        }
    }

    @Test
    void offLetsEveryClientThroughWithoutALine() throws Exception {
        try (EgressRecorder tcp4 = EgressRecorder.tcp("127.0.0.1", 0); EgressRecorder tcp6 = EgressRecorder.tcp("::1", 0);
                EgressRecorder udp4 = EgressRecorder.udp("127.0.0.1"); EgressRecorder udp6 = EgressRecorder.udp("::1");
                Probe probe = Probe.start(Map.of())) {
            for (String client : TCP) {
                for (EgressRecorder to : List.of(tcp4, tcp6)) {
                    probe.assertConnected(client, to.destination(), to, 1);
                }
            }
            for (String client : UDP) {
                for (EgressRecorder to : List.of(udp4, udp6)) {
                    probe.assertConnected(client, to.destination(), to, sent(client));
                }
            }
            probe.assertNoOtherEgressLine();
            // the banner came when Netty's classes loaded: the gate off, and no hook for it
            assertThat(probe.stderr.all()).as("the banner")
                    .contains("  egress: off (MCPGUARD_EGRESS_MODE)")
                    .anyMatch(line -> line.startsWith("  guarding, once their classes load: "))
                    .noneMatch(line -> line.startsWith("  guarding, once their classes load: ") && line.contains("egress"))
                    .noneMatch(line -> line.contains(INSTRUMENTED));
        }
    }

    /**
     * {@code MCPGUARD_EGRESS_ALLOW} by CIDR (127.0.0.2/32), by {@code host:port} (the name {@code localhost} at
     * one port: the literal 127.0.0.1 at that port is still refused) and by {@code *:port}: the allowed ones
     * arrive without a line, the refused one has its line.
     */
    @Test
    void theAllowListLetsItsEntriesThrough() throws Exception {
        try (EgressRecorder cidr = EgressRecorder.tcp("127.0.0.2", 0); EgressRecorder byName = EgressRecorder.tcp("127.0.0.1", 0);
                EgressRecorder anyAddress = EgressRecorder.tcp("::1", 0); EgressRecorder udp = EgressRecorder.udp("127.0.0.2");
                Probe probe = Probe.start(Map.of("MCPGUARD_EGRESS_MODE", "enforce", "MCPGUARD_EGRESS_ALLOW",
                        "127.0.0.2/32,localhost:" + byName.port() + ",*:" + anyAddress.port()))) {
            for (String client : TCP) {
                probe.assertConnected(client, cidr.destination(), cidr, 1);
                probe.assertConnected(client, "localhost:" + byName.port(), byName, 1);
                probe.assertConnected(client, anyAddress.destination(), anyAddress, 1);
            }
            for (String client : UDP) {
                probe.assertConnected(client, udp.destination(), udp, sent(client));
            }
            probe.assertNoOtherEgressLine();
            assertThat(probe.stderr.all()).as("the banner").anyMatch(line -> line.startsWith("  egress: enforce, deny ")
                    && line.endsWith(" (private) and this host's own addresses, allow 127.0.0.2,localhost:" + byName.port()
                            + ",*:" + anyAddress.port()));
            int arrived = byName.count();
            for (String client : TCP) {
                probe.assertRefused(client, byName.destination(), byName);
            }
            Thread.sleep(SETTLE.toMillis());
            assertThat(byName.count()).as("what reached %s by its literal", byName.destination()).isEqualTo(arrived);
            probe.assertNoOtherEgressLine();
        }
    }

    /**
     * Java 17 still lets a system property choose the legacy socket implementations, which connect and send
     * natively, past {@code sun.nio.ch}: refused there too (on later Java the properties are gone and the
     * clients take the NIO path, refused as everywhere).
     */
    @Test
    void theLegacySocketImplementationsAreRefusedToo() throws Exception {
        List<String> legacy = List.of("socket", "socket-ctor", "urlconnection", "udp-socket", "udp-socket-connect");
        try (EgressRecorder tcp = EgressRecorder.tcp("127.0.0.1", 0); EgressRecorder udp = EgressRecorder.udp("127.0.0.1");
                Probe probe = Probe.start(Map.of("MCPGUARD_EGRESS_MODE", "enforce"),
                        "-Djdk.net.usePlainSocketImpl=true", "-Djdk.net.usePlainDatagramSocketImpl=true")) {
            for (String client : legacy) {
                EgressRecorder to = client.startsWith("udp") ? udp : tcp;
                probe.assertRefused(client, to.destination(), to);
                if (client.equals("udp-socket-connect") && probe.javaFeature() == 17) {
                    // the legacy DatagramSocket takes a failed native connect for "connect in Java" and sends
                    // anyway: that send is refused on its own line
                    probe.assertDecision(client, to, "blocked");
                }
            }
            Thread.sleep(SETTLE.toMillis());
            assertThat(tcp.count() + udp.count()).as("what reached the recorders").isZero();
            probe.assertNoOtherEgressLine();
        }
    }

    /**
     * Libraries that shade Netty bring its epoll transport under a package of their own ({@code grpc-netty-shaded},
     * which Google's cloud clients use): the probe and Netty relocated, the same hooks apply by the end of the
     * hooked types' names.
     */
    @Test
    void relocatedNettyIsRefusedToo(@TempDir Path dir) throws Exception {
        Path relocated = RelocatedNetty.build(dir.resolve("relocated-netty.jar"));
        List<String> netty = List.of("netty-epoll", "netty-nio", "netty-epoll-udp", BATCH);
        try (EgressRecorder tcp = EgressRecorder.tcp("127.0.0.1", 0); EgressRecorder udp = EgressRecorder.udp("127.0.0.1");
                Probe probe = Probe.startWithClassPath(Map.of("MCPGUARD_EGRESS_MODE", "enforce"),
                        relocated + java.io.File.pathSeparator + System.getProperty("java.class.path"))) {
            for (String client : netty) {
                EgressRecorder to = client.contains("udp") ? udp : tcp;
                probe.assertRefused(client, to.destination(), to);
            }
            Thread.sleep(SETTLE.toMillis());
            assertThat(tcp.count() + udp.count()).as("what reached the recorders").isZero();
            probe.assertNoOtherEgressLine();
            for (String hooked : List.of("io.netty.channel.unix.Socket", "io.netty.channel.epoll.NativeDatagramPacketArray")) {
                assertThat(probe.stderr.all()).as("the hook in the relocated %s", hooked)
                        .anyMatch(line -> line.endsWith(INSTRUMENTED + RelocatedNetty.PREFIX + hooked))
                        .noneMatch(line -> line.endsWith(INSTRUMENTED + hooked));
            }
        }
    }

    /** How many datagrams (or connections) the client sends to the recorder, each judged and logged on its own. */
    private static int sent(String client) {
        return BATCH.equals(client) ? EgressProbe.BATCH : 1;
    }

    /**
     * How many times the client tries a destination whose connect is refused: the JDK HttpClient tries a
     * refused connect once more (its MultiExchange, unless jdk.httpclient.disableRetryConnect), and every
     * connect is judged and logged; a refused datagram fails its own write.
     */
    private static int refusedAttempts(String client) {
        return client.startsWith("httpclient") ? 2 : sent(client);
    }

    /** The probe's JVM under the agent: commands in on stdin, answers out on stdout, decision lines on stderr. */
    private static final class Probe implements AutoCloseable {
        private final Process process;
        private final OutputStream commands;
        private final LogLines stdout;
        private final LogLines stderr;
        private int answers = 1;
        /** The stderr line after the last egress decision a test has looked at. */
        private int seen;

        private Probe(Process process, LogLines stdout, LogLines stderr) {
            this.process = process;
            this.commands = process.getOutputStream();
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Probe start(Map<String, String> env, String... jvmOptions) {
            return startWithClassPath(env, System.getProperty("java.class.path"), jvmOptions);
        }

        static Probe startWithClassPath(Map<String, String> env, String classPath, String... jvmOptions) {
            List<String> command = new java.util.ArrayList<>(List.of(TestJars.java(), "-javaagent:" + TestJars.agent()));
            command.addAll(List.of(jvmOptions));
            command.addAll(List.of("-cp", classPath, EgressProbe.class.getName()));
            ProcessBuilder builder = new ProcessBuilder(command);
            DemoServer.cleanEnvironment(builder.environment());
            builder.environment().putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Probe probe = new Probe(process, LogLines.pump(process.getInputStream(), "probe-stdout"),
                    LogLines.pump(process.getErrorStream(), "probe-stderr"));
            if (probe.stdout.await(0, EgressProbe.READY::equals, WAIT).isEmpty()) {
                probe.close();
                fail("the probe did not start within %s%nstdout:%n%s%nstderr:%n%s", WAIT, probe.stdout, probe.stderr);
            }
            return probe;
        }

        String ask(String client, String destination) {
            try {
                commands.write((client + " " + destination + "\n").getBytes(StandardCharsets.UTF_8));
                commands.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Optional<Integer> answer = stdout.await(answers, EgressClientsIT::isAnswer, WAIT.multipliedBy(2));
            if (answer.isEmpty()) {
                fail("no answer to %s %s%nstderr:%n%s", client, destination, stderr);
            }
            answers = answer.get() + 1;
            return stdout.all().get(answer.get());
        }

        /** The client reached {@code to}, which counted {@code arrivals} more. */
        void assertConnected(String client, String destination, EgressRecorder to, int arrivals) throws InterruptedException {
            int before = to.count();
            assertThat(ask(client, destination)).as("%s to %s", client, destination).startsWith("OK ");
            assertThat(to.awaitCount(before + arrivals, WAIT)).as("what %s sent to %s", client, destination)
                    .isEqualTo(before + arrivals);
        }

        /** The gate's refusal naming the address {@code destination} resolves to, and a blocked line per attempt. */
        void assertRefused(String client, String destination, EgressRecorder to) {
            assertThat(ask(client, destination)).as("%s to %s", client, destination)
                    .startsWith("REFUSED " + EgressProbe.REFUSAL + to.destination() + " refused");
            for (int attempt = 0; attempt < refusedAttempts(client); attempt++) {
                assertDecision(client, to, "blocked");
            }
        }

        /** The next egress decision line is {@code action} for {@code to}, with no inbound request to name. */
        void assertDecision(String client, EgressRecorder to, String action) {
            Optional<Integer> index = stderr.await(seen, EgressClientsIT::isEgressDecision, WAIT);
            if (index.isEmpty()) {
                fail("no egress decision line for %s to %s%nstderr:%n%s", client, to.destination(), stderr);
            }
            seen = index.get() + 1;
            Decision decision = Decision.parse(stderr.all().get(index.get())).orElseThrow();
            assertThat(decision.action()).as("%s: %s", client, decision).isEqualTo(action);
            assertThat(decision.reason()).as("%s: %s", client, decision).isEqualTo("denied_destination");
            assertThat(decision.detail()).as("%s: %s", client, decision)
                    .isEqualTo(to.literal().equals("::1") ? "::1" : "127.0.0.0/8");
            assertThat(decision.fields()).as("%s: %s", client, decision)
                    .containsEntry("destination.address", to.literal())
                    .containsEntry("destination.port", to.port())
                    .doesNotContainKeys("user.name", "url.path");
        }

        /** The Java feature release the probe runs on (the build may test another Java than its own). */
        int javaFeature() {
            String answer = ask("java-version", "-");
            assertThat(answer).startsWith("OK ");
            return Integer.parseInt(answer.substring(3).strip());
        }

        /** No egress decision line since the last one a test looked at, a moment after the last command. */
        void assertNoOtherEgressLine() throws InterruptedException {
            Thread.sleep(SETTLE.toMillis());
            List<String> after = stderr.since(seen);
            assertThat(after).as("egress lines nobody expected").noneMatch(EgressClientsIT::isEgressDecision);
        }

        @Override
        public void close() {
            DemoServer.stop(process);
        }
    }

    private static boolean isAnswer(String line) {
        return line.startsWith("OK ") || line.startsWith("REFUSED ") || line.startsWith("ERROR ");
    }

    private static boolean isEgressDecision(String line) {
        return Decision.parse(line).map(decision -> "egress".equals(decision.gate())).orElse(false);
    }
}
