package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import dev.mcpguard.it.Variants.Goal;
import dev.mcpguard.it.Variants.Variant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential test (issue 11): thousands of generated spellings of requests for the routes that are not public
 * ({@link Variants}), sent raw to every demo stack and every framework app with the agent enforcing in prod, a token
 * configured and {@code /inspector} loopback-only. Whatever the gates and the server each make of a variant, none may
 * reach the application without a token: a response that carries an endpoint's answer (the MCP JSON-RPC result, the
 * inspector page, a prefix route's marker, the upload count, {@code /health}'s {@code ok}) is a bypass. With a token,
 * prod {@code /inspector} never answers. Every refusal the agent sends has its decision line, and every variant gets
 * an answer or a closed connection. The counts per stack are printed and written to
 * {@code target/differential-counts.txt}.
 */
class DifferentialIT {

    private static final long SEED = 20261211L;
    private static final int PATH_VARIANTS = 2400;
    private static final int SMUGGLING_VARIANTS = 240;
    /** Clients at once: requests mostly wait on the server, and two cores run both sides. */
    private static final int CLIENTS = 8;
    /** No byte at all within this: the variant hung the server. */
    private static final int ANSWER_TIMEOUT_MS = 3_000;
    /** Once some bytes came: this long without more ends the reading (the server keeps the connection). */
    private static final int IDLE_TIMEOUT_MS = 700;
    /**
     * A server starts while the one before it is under load from this test, on a machine that may be shared: Spring
     * MVC's first DispatcherServlet start alone took 11 s so.
     */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** Bypasses listed in a failure, at most. */
    private static final int SHOWN = 25;

    /**
     * Any Host allowed: the Host check (ORIGIN) refuses an absolute form whose authority is odd before PATH and
     * LOOPBACK judge it, which would hide where they and the server read the target differently (issue 11 item 2
     * needs a Host the allow-list passes, as behind a proxy that sends its public name).
     */
    private static final Launch PROD = Launch.standard().with("MCPGUARD_ENV", "prod").with("MCPGUARD_ALLOWED_HOSTS", "*");

    private static final List<Variant> VARIANTS = Variants.generate(SEED, PATH_VARIANTS, SMUGGLING_VARIANTS);

    /** A prefix route's answer for a path that only shares the text of {@code /inspector}: {@code /inspector.json}. */
    private static final Pattern INSPECTOR_TEXT_PREFIX = Pattern.compile("inspector-prefix:/inspector[^/]");

    /**
     * Disagreements found and not resolved; each names the stack, the shape, and where it is reported.
     * All of them are prod {@code /inspector} answering a request with a valid token (the LOOPBACK gate judged
     * another path): only these may reach the application, only in these shapes, and never without a token; any
     * other is a failure. Remove an entry once its fix is merged (the counts line shows how many a run still met).
     */
    private static final List<Known> KNOWN_OPEN_BYPASSES = List.of(
            // Found by this test, not yet decided (reported with it): Vert.x Web's `/inspector*` route takes every
            // path that starts with the text, `/inspector.json` and `/inspector%20` too, while §4 matches
            // MCPGUARD_LOOPBACK_PATHS by whole segments (as the JDK's text-prefix contexts, the adapter could ask
            // the router). With a token, prod serves that route.
            new Known("vertx-web", "text-prefix route /inspector* beyond the segment (found by this test)",
                    o -> INSPECTOR_TEXT_PREFIX.matcher(o.answer()).find() && !o.answer().contains("developers only")));

    /** A reported bypass: on {@code stack}, the outcomes that {@code matches} says are it. */
    record Known(String stack, String what, Predicate<Outcome> matches) {
        static boolean covers(Stack stack, Outcome outcome) {
            boolean inspectorWithToken = outcome.variant().text().contains("Bearer " + Launch.TOKEN)
                    && outcome.markers().stream().allMatch(marker -> marker.startsWith("inspector"));
            return inspectorWithToken && KNOWN_OPEN_BYPASSES.stream()
                    .anyMatch(k -> k.stack.equals(stack.name()) && k.matches.test(outcome));
        }
    }

    /**
     * Stacks whose server, without the agent too, waits for a CRLF that a request with bare LF line endings never
     * sends (seen: the JDK's HttpServer answers nothing to {@code GET /health HTTP/1.1\nHost: x\n\n}, with or
     * without {@code -javaagent}): such a variant's silence is the server's, not a hang the agent caused.
     */
    private static final Set<String> WAIT_ON_BARE_LF = Set.of("jdk");

    private static final Pattern REFUSAL = Pattern.compile("\"data\":\\{\"gate\":\"(\\w+)\",\"error\":\"(\\w+)\"");
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");
    /** A success status line anywhere in the answer: the first response's, or a later one's on the connection. */
    private static final Pattern SUCCESS = Pattern.compile("(?:^|\n)HTTP/1\\.[01] (2\\d\\d)");
    /** {@code /health}'s body: exactly {@code ok}, with a length or in one chunk, then the end or the next response. */
    private static final Pattern HEALTH_OK = Pattern.compile("\r\n\r\n(?:2\r\n)?ok(?:\r\n0\r\n\r\n)?(?=$|HTTP/)");

    /** Servers started ahead of their test, one ahead at a time: a JVM start mostly waits. */
    private static final Map<Stack, CompletableFuture<DemoServer>> STARTED = new LinkedHashMap<>();

    static Stream<Stack> stacks() {
        return Stream.concat(Stacks.ALL.stream(), Stacks.FRAMEWORKS.stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void noVariantReachesARouteThatIsNotPublic(Stack stack) throws Exception {
        try (DemoServer server = server(stack)) {
            int mark = server.mark();
            long started = System.nanoTime();
            // Not sent where the server itself would only wait for a CRLF: no request reaches the agent or the app
            List<Variant> variants = VARIANTS.stream()
                    .filter(v -> !(WAIT_ON_BARE_LF.contains(stack.name()) && bareLf(v))).toList();
            List<Outcome> outcomes = sendAll(server.port(), variants);
            List<Variant> inspectorWithToken = VARIANTS.stream()
                    .filter(v -> v.goal().inspector() && !v.smuggling())
                    .map(v -> v.withHeader("Authorization: Bearer " + Launch.TOKEN)).toList();
            List<Outcome> withToken = sendAll(server.port(), inspectorWithToken);
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;

            Counts counts = new Counts();
            Counts tokenCounts = new Counts();
            List<String> bypasses = new ArrayList<>();
            List<String> known = new ArrayList<>();
            List<String> hangs = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                counts.add(outcome);
                if (!outcome.markers.isEmpty()) {
                    (Known.covers(stack, outcome) ? known : bypasses).add(describe(outcome, server.port()));
                }
                if (outcome.hung) {
                    hangs.add(outcome.variant.shown(server.port()));
                }
            }
            for (Outcome outcome : withToken) {
                tokenCounts.add(outcome);
                if (outcome.markers.stream().anyMatch(m -> m.startsWith("inspector"))) {
                    (Known.covers(stack, outcome) ? known : bypasses).add("with token: " + describe(outcome, server.port()));
                }
                if (outcome.hung) {
                    hangs.add(outcome.variant.shown(server.port()));
                }
            }
            report(String.format("differential %s: %d variants without a token in %d s (%d bare-LF ones not "
                            + "sent: the server waits for CRLF): refused by agent %s; refused by server (status of the "
                            + "first response) %s; closed without an answer %d; no answer %d; reached the app %d. With "
                            + "a token, %d variants for /inspector: the inspector answered %d. Known open bypasses among "
                            + "these: %d", stack, counts.sent, seconds, VARIANTS.size() - variants.size(),
                    counts.refusedByAgent, counts.refusedByServer, counts.closedWithoutAnswer, counts.hung,
                    counts.reachedApp, tokenCounts.sent, tokenCounts.inspectorAnswers, known.size()));
            known.stream().limit(SHOWN).forEach(line -> System.out.println("known open bypass on " + stack + ": " + line));
            assertThat(bypasses).as("%d of %d variants reached the application on %s without a token (or prod "
                    + "/inspector with one); the first %d:%n%s", bypasses.size(), counts.sent, stack, SHOWN,
                    String.join("\n", bypasses.subList(0, Math.min(SHOWN, bypasses.size())))).isEmpty();
            assertThat(hangs).as("variants that got neither an answer nor a closed connection within %d ms on %s",
                    ANSWER_TIMEOUT_MS, stack).isEmpty();

            // Then the log: a line for every refusal sent (more where a smuggled request was refused unseen)
            Map<String, Long> logged = new TreeMap<>();
            server.decisionsSince(mark).stream().filter(d -> "blocked".equals(d.action()))
                    .forEach(d -> logged.merge(d.gate() + "/" + d.reason(), 1L, Long::sum));
            report("differential " + stack + ": decision lines (blocked, both passes) " + logged);
            Map<String, Integer> sent = new TreeMap<>(counts.refusedByAgent);
            tokenCounts.refusedByAgent.forEach((reason, n) -> sent.merge(reason, n, Integer::sum));
            sent.forEach((reason, seen) -> assertThat(logged.getOrDefault(reason, 0L))
                    .as("decision lines for the %d %s refusals the agent sent on %s", seen, reason, stack)
                    .isGreaterThanOrEqualTo(seen));
        }
    }

    @AfterAll
    static void stopServersStartedAhead() {
        synchronized (STARTED) {
            STARTED.values().forEach(start -> start.thenAccept(DemoServer::close));
            STARTED.clear();
        }
    }

    /** This stack's server, and the next stack's started meanwhile. */
    private static DemoServer server(Stack stack) {
        List<Stack> order = stacks().toList();
        int next = order.indexOf(stack) + 1;
        CompletableFuture<DemoServer> mine;
        synchronized (STARTED) {
            mine = STARTED.computeIfAbsent(stack, DifferentialIT::start);
            if (next < order.size()) {
                STARTED.computeIfAbsent(order.get(next), DifferentialIT::start);
            }
            STARTED.remove(stack);
        }
        return mine.join();
    }

    private static CompletableFuture<DemoServer> start(Stack stack) {
        return CompletableFuture.supplyAsync(() -> DemoServer.start(stack, PROD, START_TIMEOUT));
    }

    private static List<Outcome> sendAll(int port, List<Variant> variants) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<CompletableFuture<Outcome>> sent = variants.stream()
                    .map(v -> CompletableFuture.supplyAsync(() -> send(port, v), clients)).toList();
            return sent.stream().map(CompletableFuture::join).toList();
        } finally {
            clients.shutdownNow();
        }
    }

    /** Sends one variant on a new connection and reads until the server closes it or goes quiet. */
    private static Outcome send(int port, Variant variant) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean hung = false;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MS);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(variant.bytes(port));
                out.flush();
            } catch (IOException e) {
                // closed by the server while the request was still going out: what it answered is still readable
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    hung = got.size() == 0;
                    break;
                } catch (SocketException e) {
                    break; // reset: closed
                }
                if (n < 0) {
                    break;
                }
                got.write(buffer, 0, n);
                socket.setSoTimeout(IDLE_TIMEOUT_MS);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect to 127.0.0.1:" + port, e);
        }
        return Outcome.of(variant, got.toString(StandardCharsets.ISO_8859_1), hung);
    }

    /** What came back for one variant, read as the oracle reads it. */
    record Outcome(Variant variant, String answer, boolean hung, List<String> markers, List<String> refusals,
            String firstStatus) {

        static Outcome of(Variant variant, String answer, boolean hung) {
            List<String> refusals = new ArrayList<>();
            Matcher refusal = REFUSAL.matcher(answer);
            while (refusal.find()) {
                refusals.add(refusal.group(1) + "/" + refusal.group(2));
            }
            List<String> markers = new ArrayList<>();
            if (answer.contains("Inspector (developers only)")) {
                markers.add("inspector page");
            }
            if (answer.contains("inspector-prefix:")) {
                markers.add("inspector prefix");
            }
            if (answer.contains("mcp-prefix:")) {
                markers.add("mcp prefix");
            }
            if (answer.contains("{\"bytes\":")) {
                markers.add("upload");
            }
            if (count(answer, "\"jsonrpc\"") > refusals.size()) {
                markers.add("mcp json-rpc");
            }
            if (HEALTH_OK.matcher(answer).find()) {
                markers.add("health ok");
            }
            // No route is public here (the demo does not serve the metadata path): a success without a marker is an
            // endpoint whose answer has no body to show it, a HEAD, or the server's own OPTIONS for a servlet
            Matcher success = SUCCESS.matcher(answer);
            if (success.find() && markers.isEmpty()) {
                markers.add(success.group(1) + " without a body to tell");
            }
            Matcher status = STATUS.matcher(answer);
            return new Outcome(variant, answer, hung, markers, refusals, status.lookingAt() ? status.group(1) : null);
        }

        private static int count(String text, String part) {
            int count = 0;
            for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
                count++;
            }
            return count;
        }
    }

    /** The per-stack counts for the closing note. */
    static final class Counts {
        int sent;
        int reachedApp;
        int closedWithoutAnswer;
        int hung;
        /** Answers that carry the inspector page or its prefix marker. */
        int inspectorAnswers;
        final Map<String, Integer> refusedByAgent = new TreeMap<>();
        final Map<String, Integer> refusedByServer = new TreeMap<>();

        void add(Outcome outcome) {
            sent++;
            if (outcome.markers().stream().anyMatch(m -> m.startsWith("inspector"))) {
                inspectorAnswers++;
            }
            if (!outcome.markers().isEmpty()) {
                reachedApp++;
            } else if (outcome.hung()) {
                hung++;
            } else if (!outcome.refusals().isEmpty()) {
                outcome.refusals().forEach(reason -> refusedByAgent.merge(reason, 1, Integer::sum));
            } else if (outcome.answer().isEmpty()) {
                closedWithoutAnswer++;
            } else {
                refusedByServer.merge(String.valueOf(outcome.firstStatus()), 1, Integer::sum);
            }
        }
    }

    private static boolean bareLf(Variant variant) {
        return variant.text().contains("\n") && !variant.text().contains("\r\n");
    }

    private static String describe(Outcome outcome, int port) {
        String answer = outcome.answer().length() > 300 ? outcome.answer().substring(0, 300) + "…" : outcome.answer();
        return "[" + outcome.variant().family() + ", " + outcome.variant().goal() + "] " + outcome.markers()
                + "\n    sent: " + outcome.variant().shown(port)
                + "\n    got:  " + new Variant("", Goal.HEALTH, answer, false).shown(port);
    }

    private static void report(String line) throws IOException {
        System.out.println(line);
        Files.writeString(Path.of("target", "differential-counts.txt"), line + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
