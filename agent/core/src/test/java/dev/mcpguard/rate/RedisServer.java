package dev.mcpguard.rate;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian's package) on 127.0.0.1, one port for its life so that a
 * restart is the same Redis to its clients; nothing saved to disk. Absent, the tests that need it
 * are skipped, unless {@code -Dmcpguard.it.require.redis=true} (CI) makes that a failure.
 */
final class RedisServer implements AutoCloseable {
    static final String REQUIRE = "mcpguard.it.require.redis";

    private final String binary;
    private final int port;
    private final String[] options;
    private Process process;

    private RedisServer(String binary, int port, String[] options) {
        this.binary = binary;
        this.port = port;
        this.options = options;
    }

    /** Starts one with {@code options} ({@code --requirepass}, say) on its command line, or skips (fails, when required) the calling test. */
    static RedisServer start(String... options) throws IOException, InterruptedException {
        String binary = binary();
        if (binary == null) {
            String why = "redis-server is not on the PATH (Debian: apt-get install redis-server)";
            if (Boolean.getBoolean(REQUIRE)) {
                fail(why + ", and -D" + REQUIRE + "=true");
            }
            Assumptions.abort(why);
        }
        RedisServer server = new RedisServer(binary, freePort(), options);
        server.restart();
        return server;
    }

    int port() {
        return port;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again), and waits until it answers PING. */
    void restart() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
        command.addAll(List.of(options));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // with --requirepass, PING answers NOAUTH: an answer all the same
        for (String reply = command("PING"); reply == null; reply = command("PING")) {
            if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                fail("redis-server on port " + port + " did not answer PING");
            }
            Thread.sleep(20);
        }
    }

    /** Kills it outright, as a crash would, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Inline commands on one connection, the last one's reply ({@code null} when Redis does not
     * answer). Only commands with one-line replies (status, error, integer): PING, SELECT, PTTL,
     * SCRIPT FLUSH; enough to check what the buckets did, with no client library.
     */
    String command(String... lines) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((String.join("\r\n", lines) + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = null;
            for (int i = 0; i < lines.length; i++) {
                StringBuilder line = new StringBuilder();
                for (int c = in.read(); c != '\n'; c = in.read()) {
                    if (c < 0) {
                        return null;
                    }
                    line.append((char) c);
                }
                reply = line.toString().strip();
            }
            return reply;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            kill();
        }
    }

    private static String binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
