package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live rotation through {@code MCPGUARD_TOKEN_FILE} under load: a client keeps sending authenticated requests
 * while the file goes from {@code old} to {@code old,new} to {@code new}, then turns malformed; not one request
 * fails, {@code old} stops working, and a malformed file keeps the last good set. Revocation (an emptied or
 * deleted file) is {@link TokenRevocationIT}'s.
 */
class TokenRotationIT {

    private static final String PATH = "/health";
    private static final String OLD = "old-rotating-token";
    private static final String NEW = "new-rotating-token";
    /** Longer than two of the agent's check intervals (1 s). */
    private static final Duration SETTLE = Duration.ofMillis(2500);

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.perStack(TokenRotationIT::launch);

    @OnEachStack
    void rotatesWithoutAFailedRequestAndKeepsTheLastGoodSetWhenTheFileBreaks(Stack stack) throws Exception {
        DemoServer server = SERVERS.on(stack);
        Path file = Path.of(SERVERS.launch(stack).env().get("MCPGUARD_TOKEN_FILE"));

        try (Load load = new Load(server.port(), OLD)) {
            replace(file, OLD + "\n" + NEW + "\n");
            assertThat(eventually(() -> status(server, NEW) == 200)).as("new accepted beside old").isTrue();
            server.awaitStderrLine("MCPGUARD_TOKEN_FILE", "changed: 2 token(s) accepted now, 1 before");

            load.switchTo(NEW);
            Files.writeString(file, NEW + "\n", StandardCharsets.UTF_8); // in place, as an editor would
            assertThat(eventually(() -> status(server, OLD) == 401)).as("old refused once removed").isTrue();
            server.awaitStderrLine("MCPGUARD_TOKEN_FILE", "changed: 1 token(s) accepted now, 2 before");

            for (String broken : List.of("not a token\n", NEW + " role=admin\n")) {
                replace(file, broken);
                Thread.sleep(SETTLE.toMillis());
                assertThat(status(server, NEW)).as("new still accepted with a malformed file").isEqualTo(200);
                assertThat(status(server, OLD)).as("old still refused").isEqualTo(401);
            }
            server.awaitStderrLine("ERROR mcpguard - MCPGUARD_TOKEN_FILE", "is malformed (line 1: ",
                    "keeping the 1 token(s) accepted so far");

            load.stopAndExpectNoFailure(100);
        }
        assertThat(server.stderr().all()).as("tokens are never logged").noneMatch(line -> line.contains(OLD) || line.contains(NEW));
    }

    private static int status(DemoServer server, String token) {
        return RawHttp.exchange(server.port(), Request.get(PATH).bearer(token)).status();
    }

    /** Written beside and moved over the file: the agent sees the old content or the new, never half. */
    private static void replace(Path file, String content) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, content, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Launch launch(Stack stack) {
        try {
            Path file = Files.createTempFile("mcpguard-it-rotation-" + stack.name() + "-", ".txt");
            file.toFile().deleteOnExit();
            Files.writeString(file, OLD + "\n", StandardCharsets.UTF_8);
            return Launch.defaults().with("MCPGUARD_TOKEN_FILE", file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Authenticated requests back to back on one thread, each on a new connection, with the token of the moment. */
    private static final class Load implements AutoCloseable {
        private final int port;
        private final Thread thread;
        private final AtomicInteger sent = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private volatile String token;
        private volatile boolean running = true;

        Load(int port, String token) {
            this.port = port;
            this.token = token;
            this.thread = new Thread(this::run, "rotation-load");
            thread.start();
        }

        private void run() {
            while (running) {
                String used = token;
                try {
                    int status = RawHttp.exchange(port, Request.get(PATH).bearer(used)).status();
                    if (status != 200) {
                        failures.add(status + " for " + (used.equals(OLD) ? "old" : "new"));
                    }
                } catch (RuntimeException | AssertionError e) {
                    failures.add(e.toString());
                }
                sent.incrementAndGet();
            }
        }

        /** Returns once the request in flight with the previous token has finished. */
        void switchTo(String next) throws InterruptedException {
            token = next;
            int now = sent.get();
            while (sent.get() < now + 2 && thread.isAlive()) {
                Thread.sleep(5);
            }
        }

        void stopAndExpectNoFailure(int atLeast) throws InterruptedException {
            running = false;
            thread.join(Duration.ofSeconds(20).toMillis());
            assertThat(failures).as("failed requests of %s sent during the rotation", sent.get()).isEmpty();
            assertThat(sent.get()).as("requests sent during the rotation").isGreaterThanOrEqualTo(atLeast);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(Duration.ofSeconds(20).toMillis());
        }
    }
}
