package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpguard.it.Stacks.Stack;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Design §10's shared buckets on real JVMs: two demo servers (Jetty and Netty, each with the agent) and one real
 * {@code redis-server} on loopback, with a password. One limit holds across both; killing Redis makes each log
 * one ERROR line and fall back as {@code MCPGUARD_RATE_REDIS_ON_ERROR} says (its own buckets, or 503
 * {@code gate_error}); restarting it makes each log one INFO line, and the limit is shared again. Without the
 * URL, no Jedis or pool class loads.
 *
 * <p>Needs Debian's {@code redis-server}: skipped without it, unless {@code -Dmcpguard.it.require.redis=true}
 * (the build's default, so CI fails rather than skips).
 */
class RedisRateIT {
    private static final String TOKEN = "redis-rate-token-3e1f";
    private static final String PASSWORD = "redis-pw-7c2a";
    private static final String PATH = "/health";
    /** 5/min: one request every 12 s, so no bucket refills while a test runs. */
    private static final int LIMIT = 5;

    private final List<DemoServer> servers = new ArrayList<>();
    @TempDir
    Path dir;
    private Redis redis;

    @BeforeEach
    void startRedis() throws Exception {
        redis = Redis.start(PASSWORD);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        servers.forEach(DemoServer::close);
        redis.kill();
    }

    private DemoServer start(Stack stack, String onError) {
        return start(stack, limited()
                .with("MCPGUARD_RATE_REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port)
                .with("MCPGUARD_RATE_REDIS_ON_ERROR", onError));
    }

    private DemoServer start(Stack stack, Launch launch) {
        DemoServer server = DemoServer.start(stack, launch);
        servers.add(server);
        return server;
    }

    private static Launch limited() {
        return Launch.defaults().with("MCPGUARD_TOKEN", TOKEN).with("MCPGUARD_RATE_LIMIT", LIMIT + "/min");
    }

    /** The launch, with the JVM logging each class it loads to {@code file} (the java launcher reads the variable). */
    private static Launch loggingClassLoads(Launch launch, Path file) {
        return launch.with("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + file);
    }

    private static List<String> loadedShared(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> line.contains(" dev.mcpguard.rate.")
                || line.contains(" dev.mcpguard.shaded.redis.") || line.contains(" dev.mcpguard.shaded.pool2.")).toList();
    }

    private static Exchange request(DemoServer server) {
        return server.exchange(Request.get(PATH).bearer(TOKEN));
    }

    private static void allowed(DemoServer server) {
        Exchange exchange = request(server);
        assertThat(exchange.response().status()).as("on %s: %s", server, exchange.response()).isEqualTo(200);
        assertThat(exchange.decisions()).as("decision lines on %s", server).isEmpty();
    }

    private static void limited(DemoServer server) {
        Exchange exchange = request(server);
        assertThat(exchange.response().status()).as("on %s: %s", server, exchange.response()).isEqualTo(429);
        assertThat(Integer.parseInt(exchange.response().header("Retry-After"))).as("Retry-After on %s", server)
                .isBetween(1, 60 / LIMIT);
        assertThat(exchange.decisions()).singleElement().satisfies(line -> {
            assertThat(line.gate()).isEqualTo("rate");
            assertThat(line.reason()).isEqualTo("rate_limited");
        });
    }

    /** {@link #LIMIT} requests spread over both pass, then the next on either is refused. */
    private static void oneLimitAcross(DemoServer first, DemoServer second) {
        for (int i = 0; i < LIMIT; i++) {
            allowed(i % 2 == 0 ? first : second);
        }
        limited(first);
        limited(second);
    }

    private static List<String> operatorLines(DemoServer server, String level) {
        return server.stderr().all().stream().filter(line -> line.contains(" " + level + " mcpguard - Redis at "))
                .toList();
    }

    @Test
    void twoReplicasShareOneLimitFallBackToTheirOwnBucketsWithoutRedisAndShareItAgainWhenItIsBack() throws Exception {
        DemoServer jetty = start(Stacks.JETTY, "local");
        DemoServer netty = start(Stacks.NETTY, "local");
        oneLimitAcross(jetty, netty);

        redis.kill();
        for (DemoServer server : List.of(jetty, netty)) {
            // a bucket of this instance's own, full: LIMIT more here, whatever the other instance does
            for (int i = 0; i < LIMIT; i++) {
                allowed(server);
            }
            limited(server);
            server.awaitStderrLine(" ERROR mcpguard - Redis at redis://127.0.0.1:" + redis.port + "/0 failed (",
                    "each instance limits with its own buckets (MCPGUARD_RATE_REDIS_ON_ERROR=local)");
        }

        redis.restart();
        for (DemoServer server : List.of(jetty, netty)) {
            server.awaitStderrLine(" INFO mcpguard - Redis at redis://127.0.0.1:" + redis.port + "/0 answers again after ",
                    "rate buckets are shared again");
        }
        // the restarted Redis saved nothing: one fresh bucket, shared again
        oneLimitAcross(jetty, netty);

        for (DemoServer server : List.of(jetty, netty)) {
            assertThat(operatorLines(server, "ERROR")).as("one ERROR line for the outage on %s", server).hasSize(1);
            assertThat(operatorLines(server, "INFO")).as("one INFO line for its end on %s", server).hasSize(1);
            assertThat(server.stderr().all()).as("the password is never logged").noneMatch(line -> line.contains(PASSWORD));
        }
    }

    @Test
    void withDenyAReplicaRefusesWith503WhileRedisIsDown() throws Exception {
        Path classes = dir.resolve("with-redis.log");
        DemoServer server = start(Stacks.NETTY, loggingClassLoads(limited()
                .with("MCPGUARD_RATE_REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port)
                .with("MCPGUARD_RATE_REDIS_ON_ERROR", "deny"), classes));
        allowed(server);
        assertThat(loadedShared(classes)).as("Jedis and its pool, loaded (so the class log works)")
                .anyMatch(line -> line.contains(" dev.mcpguard.shaded.redis.jedis.RedisClient "))
                .anyMatch(line -> line.contains(" dev.mcpguard.shaded.pool2."));

        redis.kill();
        for (int i = 0; i < 2; i++) {
            Exchange exchange = request(server);
            assertThat(exchange.response().status()).as("%s", exchange.response()).isEqualTo(503);
            assertThat(exchange.decisions()).singleElement().satisfies(line -> {
                assertThat(line.gate()).isEqualTo("rate");
                assertThat(line.reason()).isEqualTo("gate_error");
                assertThat(line.line()).contains("shared_buckets_unavailable");
            });
        }
        server.awaitStderrLine(" ERROR mcpguard - Redis at ", "refused with 503 (MCPGUARD_RATE_REDIS_ON_ERROR=deny)");

        redis.restart();
        server.awaitStderrLine(" INFO mcpguard - Redis at ", "rate buckets are shared again");
        allowed(server);
        assertThat(operatorLines(server, "ERROR")).hasSize(1);
    }

    @Test
    void withoutTheUrlNoJedisOrPoolClassLoads() throws Exception {
        Path classes = dir.resolve("without-redis.log");
        DemoServer server = start(Stacks.NETTY, loggingClassLoads(limited(), classes));
        for (int i = 0; i < LIMIT; i++) {
            allowed(server);
        }
        limited(server);
        assertThat(loadedShared(classes)).isEmpty();
    }

    /** A {@code redis-server} on 127.0.0.1, the same port across restarts; nothing saved to disk. */
    private static final class Redis {
        static final String REQUIRE = "mcpguard.it.require.redis";

        private final String binary;
        private final int port;
        private final String password;
        private Process process;

        private Redis(String binary, int port, String password) {
            this.binary = binary;
            this.port = port;
            this.password = password;
        }

        static Redis start(String password) throws IOException, InterruptedException {
            String binary = null;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (new File(dir, "redis-server").canExecute()) {
                    binary = new File(dir, "redis-server").getPath();
                    break;
                }
            }
            if (binary == null) {
                String why = "redis-server is not on the PATH (Debian: apt-get install redis-server)";
                if (Boolean.getBoolean(REQUIRE)) {
                    fail(why + ", and -D" + REQUIRE + "=true");
                }
                Assumptions.abort(why);
            }
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Redis redis = new Redis(binary, port, password);
            redis.restart();
            return redis;
        }

        void restart() throws IOException, InterruptedException {
            process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--requirepass", password)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listening()) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    fail("redis-server on port %d did not start", port);
                }
                Thread.sleep(20);
            }
        }

        /** As a crash: at once, and gone when this returns. */
        void kill() throws InterruptedException {
            if (process != null) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        private boolean listening() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}
