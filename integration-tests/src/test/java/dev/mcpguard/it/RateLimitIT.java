package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Launch.Transport;
import dev.mcpguard.it.RawHttp2.Protocol;
import dev.mcpguard.it.RawHttp2.StreamRequest;
import dev.mcpguard.it.RawHttp2.StreamResponse;
import dev.mcpguard.it.Stacks.Stack;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RATE gate (design §10) and the MCP gate's session binding (§11) on real demo JVMs, on every stack, enforcing
 * and in log-only ({@code MCPGUARD_RATE_MODE} and {@code MCPGUARD_MCP_MODE}; the other gates enforce, so the
 * decision-log sentinel, refused by ORIGIN, never reaches RATE and counts against nothing).
 *
 * <p>One JVM per stack and mode serves every case, with {@code MCPGUARD_RATE_LIMIT=3/min} (a request's worth of
 * bucket refills in 20 s) and one token file; each case has principals of its own, so that no case spends
 * another's bucket. Only the no-principal case sends requests that pass AUTH without a principal, so it alone
 * spends the bucket of the suite's client address. A stack that speaks h2c serves it on the same port
 * ({@code --http2}), HTTP/1.1 as well.
 */
class RateLimitIT {

    private static final String MCP = "/mcp";
    /** Public ({@code MCPGUARD_PUBLIC_PATHS}): requests there have no principal. */
    private static final String PUBLIC = "/health";
    private static final int LIST_ID = 7;

    /** §5 and §10, byte for byte. */
    private static final String RATE_LIMITED_BODY = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32009,"
            + "\"message\":\"Too Many Requests\",\"data\":{\"gate\":\"rate\",\"error\":\"rate_limited\"}}}";

    /** What HTTP/2 forbids in any response (RFC 9113 §8.2.2): connection-specific header fields. */
    private static final List<String> CONNECTION_SPECIFIC = List.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    /** An entry of the token file: the token, and the name the decision lines carry. */
    record Principal(String name, String token, String rate) {
        String line() {
            return token + " name=" + name + (rate == null ? "" : " rate=" + rate) + "\n";
        }
    }

    /** Under the limit of the knob: 3 a minute. */
    private static final Principal ALICE = new Principal("alice", "alice-token-3f9a", null);
    private static final Principal BOB = new Principal("bob", "bob-token-81c2", null);
    private static final Principal CAROL = new Principal("carol", "carol-token-d407", null);
    private static final Principal ERIN = new Principal("erin", "erin-token-5b1e", null);
    private static final Principal GUS = new Principal("gus", "gus-token-0c6d", null);
    /** Its own {@code rate=}, lower than the knob's. */
    private static final Principal DAVE = new Principal("dave", "dave-token-7e30", "2/min");
    /**
     * High enough never to be reached: for the cases about something else than a limit, whose flows take more
     * requests than 3. {@code OPENER} opens the SDK's sessions for the others (an {@code initialize} presents no
     * session id, so it binds none).
     */
    private static final Principal OPENER = new Principal("opener", "opener-token-a2f8", "600/min");
    private static final Principal HANK = new Principal("hank", "hank-token-93bd", "600/min");
    private static final Principal SAM = new Principal("sam", "sam-token-4c77", "600/min");
    private static final Principal MALLORY = new Principal("mallory", "mallory-token-e15a", "600/min");
    private static final Principal SDK = new Principal("sdk-user", "sdk-token-6fd0", "600/min");
    private static final List<Principal> ALL = List.of(ALICE, BOB, CAROL, ERIN, GUS, DAVE, OPENER, HANK, SAM, MALLORY,
            SDK);

    private static final Path TOKEN_FILE = tokenFile();


    @RegisterExtension
    static final DemoServers ENFORCING = DemoServers.perStack(stack -> launch(stack, Enforcement.ENFORCE));

    @RegisterExtension
    static final DemoServers LOG_ONLY = DemoServers.perStack(stack -> launch(stack, Enforcement.LOG_ONLY));

    /** Twenty JVMs, each start mostly waiting: a few at a time, before the cases. */
    @BeforeAll
    static void startTheServers() {
        DemoServers.startAll(3, Map.of(ENFORCING, Stacks.ALL, LOG_ONLY, Stacks.ALL));
    }

    static Stream<Arguments> stacksAndModes() {
        return Stacks.times(List.of(Enforcement.values()));
    }

    static Stream<Arguments> h2cStacksAndModes() {
        return stacksAndModes().filter(args -> ((Stack) args.get()[0]).http2().contains(Protocol.PRIOR_KNOWLEDGE));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndModes")
    void theRequestAfterTheLimitIsRefused429WithRetryAfter(Stack stack, Enforcement mode) {
        DemoServer server = server(stack, mode);

        overLimit(overTheLimit(server, ALICE, 3), mode, ALICE, "POST", MCP, 20);
        noTokenLogged(server);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndModes")
    void anotherPrincipalIsUnaffectedByOnesExhaustion(Stack stack, Enforcement mode) {
        DemoServer server = server(stack, mode);
        overLimit(overTheLimit(server, BOB, 3), mode, BOB, "POST", MCP, 20);

        String session = openSession(server);
        int mark = server.mark();
        for (int i = 0; i < 3; i++) {
            listed(toolsList(server, CAROL, session));
        }
        assertThat(server.decisionsSince(mark)).as("decision lines for carol after bob's exhaustion").isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndModes")
    void aRateEntryOverridesTheLimit(Stack stack, Enforcement mode) {
        DemoServer server = server(stack, mode);

        overLimit(overTheLimit(server, DAVE, 2), mode, DAVE, "POST", MCP, 30);
    }

    /** A public path authenticates no one: its requests count against the client address, and only they do. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndModes")
    void withoutAPrincipalTheClientAddressIsCounted(Stack stack, Enforcement mode) {
        DemoServer server = server(stack, mode);
        int mark = server.mark();
        for (int i = 0; i < 3; i++) {
            RawResponse health = RawHttp.exchange(server.port(), Request.get(PUBLIC));
            assertThat(health.status()).as("status of %s", health).isEqualTo(200);
        }
        RawResponse over = RawHttp.exchange(server.port(), Request.get(PUBLIC));
        overLimit(new Exchange(over, server.decisionsSince(mark), stack), mode, null, "GET", PUBLIC, 20);
        if (mode == Enforcement.LOG_ONLY) {
            assertThat(over.text()).as("the application's answer").isEqualTo("ok");
        }

        String session = openSession(server);
        int later = server.mark();
        listed(toolsList(server, GUS, session));
        assertThat(server.decisionsSince(later)).as("decision lines for gus, from the exhausted address").isEmpty();
    }

    /** The 429 is a response on its stream, with {@code retry-after} and nothing HTTP/2 forbids; the connection lives on. */
    @ParameterizedTest(name = "{0} {1}", allowZeroInvocations = true)
    @MethodSource("h2cStacksAndModes")
    void overHttp2TheRefusalEndsItsStreamOnly(Stack stack, Enforcement mode) {
        DemoServer server = server(stack, mode);
        String session = openSession(server);
        String hanks = openSession(server);
        int mark = server.mark();
        StreamResponse over;
        try (RawHttp2 connection = RawHttp2.open(Protocol.PRIOR_KNOWLEDGE, server.port())) {
            for (int i = 0; i < 3; i++) {
                StreamResponse served = connection.send(toolsListStream(ERIN, session));
                assertThat(served.protocol()).as("protocol of %s", served).isEqualTo("HTTP/2");
                listed(served.answer());
            }
            over = connection.send(toolsListStream(ERIN, session));

            assertThat(connection.goAway()).as("GOAWAY from the server on %s", connection).isNull();
            listed(connection.send(toolsListStream(HANK, hanks)).answer());
        }
        assertThat(over.protocol()).as("protocol of %s", over).isEqualTo("HTTP/2");
        assertThat(over.ended()).as("the response ended its stream: %s", over).isTrue();
        assertThat(over.reset()).as("RST_STREAM on %s", over).isNull();
        if (mode == Enforcement.ENFORCE) {
            // the agent's refusal only: in log-only the answer is the application's, and the SDK's event stream
            // sets Connection: keep-alive, which Tomcat passes on over HTTP/2
            for (String name : CONNECTION_SPECIFIC) {
                assertThat(over.answer().headers(name)).as("%s header over HTTP/2 in %s", name, over).isEmpty();
            }
        }
        overLimit(new Exchange(over.answer(), server.decisionsSince(mark), stack), mode, ERIN, "POST", MCP, 20);
    }

    /**
     * The first principal to present a session id owns it; another presenting it is refused (or logged), the owner
     * goes on, and two {@code Mcp-Session-Id} fields are refused whoever sends them. On the SDK's transport the id
     * is a real one from {@code initialize}; the hand-written endpoints make none, and any id a client presents is
     * bound all the same.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("stacksAndModes")
    void aSessionIdBelongsToTheFirstPrincipalToPresentIt(Stack stack, Enforcement mode) {
        DemoServer server = server(stack, mode);
        String opened = openSession(server);
        String session = opened != null ? opened : UUID.randomUUID().toString();

        Exchange owner = server.exchange(toolsListRequest(SAM, session));
        listed(owner.response());
        assertThat(owner.decisions()).as("decision lines of the owner's first request").isEmpty();

        Exchange thief = server.exchange(toolsListRequest(MALLORY, session));
        sessionMismatch(thief, mode, MALLORY, "bound_to_another_principal");

        Exchange again = server.exchange(toolsListRequest(SAM, session));
        listed(again.response());
        assertThat(again.decisions()).as("decision lines of the owner's request after the theft").isEmpty();

        Exchange twice = server.exchange(toolsListRequest(SAM, session).header("Mcp-Session-Id",
                UUID.randomUUID().toString()));
        sessionMismatch(twice, mode, SAM, "several_session_ids");
        noTokenLogged(server);
    }

    /** The SDK's own client, whose requests carry its session id, under a limit it never reaches: nothing to log. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sdkStacksAndModes")
    void anMcpClientsSessionFlowIsUnaffected(Stack stack, Enforcement mode) {
        DemoServer server = server(stack, mode);
        int mark = server.mark();

        try (McpSyncClient client = McpClients.connect(server, SDK.token())) {
            client.initialize();
            for (int i = 0; i < 3; i++) {
                assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("echo", "add");
                String text = "call " + i;
                McpSchema.CallToolResult result = client.callTool(
                        McpSchema.CallToolRequest.builder("echo").arguments(Map.of("text", text)).build());
                assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
                assertThat(result.content()).singleElement().isInstanceOfSatisfying(McpSchema.TextContent.class,
                        content -> assertThat(content.text()).isEqualTo(text));
            }
        }
        assertThat(server.decisionsSince(mark)).as("decision lines of the client's session").isEmpty();
    }

    static Stream<Arguments> sdkStacksAndModes() {
        return stacksAndModes().filter(args -> ((Stack) args.get()[0]).sdkTransport());
    }

    /**
     * {@code allowed} requests of {@code who} that reach the application without a decision line, then one more,
     * which is over the limit: its response and the decision lines of all of them.
     */
    private static Exchange overTheLimit(DemoServer server, Principal who, int allowed) {
        String session = openSession(server);
        int mark = server.mark();
        // sent back to back, without a sentinel between them, so that the bucket refills as little as can be
        for (int i = 0; i < allowed; i++) {
            listed(toolsList(server, who, session));
        }
        RawResponse over = toolsList(server, who, session);
        return new Exchange(over, server.decisionsSince(mark), server.stack());
    }

    /**
     * The request over the limit: refused 429 with {@code Retry-After} (the refill time, a second less if one
     * passed since the bucket emptied) when enforcing, else served; one line either way, naming {@code who}
     * (null: a request without a principal, whose line names none).
     */
    private static void overLimit(Exchange ex, Enforcement mode, Principal who, String method, String path, int retryAfter) {
        RawResponse response = ex.response();
        if (mode == Enforcement.ENFORCE) {
            Expect.refusal(response, Refusal.RATE_LIMITED);
            assertThat(response.text()).as("the refusal body").isEqualTo(RATE_LIMITED_BODY);
            assertThat(response.header("Retry-After")).as("Retry-After").isNotNull()
                    .satisfies(seconds -> assertThat(Integer.parseInt(seconds)).isBetween(retryAfter - 1, retryAfter));
        } else {
            assertThat(response.status()).as("status of %s", response).isEqualTo(200);
            assertThat(response.header("Retry-After")).as("Retry-After of the application's answer").isNull();
            if (path.equals(MCP)) {
                listed(response);
            }
        }
        Expect.onlyLine(ex.decisions(), mode.action, Refusal.RATE_LIMITED, method, path, ex.stack());
        assertThat(ex.decisions().get(0).userName()).as("user.name of %s", ex.decisions().get(0))
                .isEqualTo(who == null ? null : who.name());
    }

    private static void sessionMismatch(Exchange ex, Enforcement mode, Principal who, String detail) {
        if (mode == Enforcement.ENFORCE) {
            Expect.refusal(ex.response(), Refusal.SESSION_MISMATCH);
        } else {
            listed(ex.response());
        }
        Expect.onlyLine(ex.decisions(), mode.action, Refusal.SESSION_MISMATCH, "POST", MCP, ex.stack());
        Decision line = ex.decisions().get(0);
        assertThat(line.userName()).as("user.name of %s", line).isEqualTo(who.name());
        assertThat(line.detail()).as("mcpguard.detail of %s", line).isEqualTo(detail);
    }

    /**
     * A session for {@code tools/list} where the stack's endpoint wants one (the SDK's transport answers 400
     * without): opened by {@link #OPENER}. Null on the hand-written endpoints, which have no sessions.
     */
    private static String openSession(DemoServer server) {
        if (!server.stack().sdkTransport()) {
            return null;
        }
        RawResponse initialized = RawHttp.exchange(server.port(), RawMcp.post(OPENER.token(), RawMcp.initialize(1)));
        RawMcp.result(initialized, 1);
        String id = initialized.header("Mcp-Session-Id");
        assertThat(id).as("Mcp-Session-Id of %s", initialized).isNotBlank();
        return id;
    }

    private static RawResponse toolsList(DemoServer server, Principal who, String session) {
        return RawHttp.exchange(server.port(), toolsListRequest(who, session));
    }

    /** {@code tools/list} as {@code who}, in {@code session} unless it is null. */
    private static Request toolsListRequest(Principal who, String session) {
        Request request = RawMcp.post(who.token(), RawMcp.request(LIST_ID, "tools/list", Map.of()));
        return session == null ? request : request.header("Mcp-Session-Id", session);
    }

    private static StreamRequest toolsListStream(Principal who, String session) {
        StreamRequest request = StreamRequest.post(MCP)
                .header("content-type", "application/json")
                .header("accept", "application/json, text/event-stream")
                .header("mcp-protocol-version", RawMcp.PROTOCOL_VERSION)
                .bearer(who.token());
        if (session != null) {
            request = request.header("mcp-session-id", session);
        }
        return request.body(RawMcp.json(RawMcp.request(LIST_ID, "tools/list", Map.of())), 16384);
    }

    /** The application's answer to {@code tools/list}: 200 and the demo's tools. */
    @SuppressWarnings("unchecked") // JSON objects and arrays parse to string-keyed maps and lists
    private static void listed(RawResponse response) {
        assertThat(response.status()).as("status of %s", response).isEqualTo(200);
        Map<String, Object> answer = Expect.json(RawMcp.answer(response));
        assertThat(answer).as("answer").containsEntry("id", LIST_ID).doesNotContainKey("error");
        assertThat((List<Map<String, Object>>) ((Map<String, Object>) answer.get("result")).get("tools"))
                .as("tools of %s", answer).extracting(tool -> tool.get("name")).contains("echo", "add");
    }

    private static void noTokenLogged(DemoServer server) {
        assertThat(server.stderr().all()).as("tokens are never logged")
                .noneMatch(line -> ALL.stream().anyMatch(p -> line.contains(p.token())));
    }

    private static DemoServer server(Stack stack, Enforcement mode) {
        return (mode == Enforcement.ENFORCE ? ENFORCING : LOG_ONLY).on(stack);
    }

    private static Launch launch(Stack stack, Enforcement mode) {
        Launch launch = Launch.defaults()
                .with("MCPGUARD_TOKEN_FILE", TOKEN_FILE.toString())
                .with("MCPGUARD_RATE_LIMIT", "3/min")
                .with("MCPGUARD_PUBLIC_PATHS", PUBLIC);
        if (mode == Enforcement.LOG_ONLY) {
            launch = launch.with("MCPGUARD_RATE_MODE", "log-only").with("MCPGUARD_MCP_MODE", "log-only");
        }
        return stack.http2().contains(Protocol.PRIOR_KNOWLEDGE) ? launch.serving(Transport.H2C) : launch;
    }

    private static Path tokenFile() {
        try {
            Path dir = Files.createTempDirectory("mcpguard-it-rate-");
            dir.toFile().deleteOnExit();
            StringBuilder lines = new StringBuilder("# one principal per case, so that no case spends another's bucket\n");
            ALL.forEach(principal -> lines.append(principal.line()));
            Path file = Files.writeString(dir.resolve("tokens"), lines, StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
