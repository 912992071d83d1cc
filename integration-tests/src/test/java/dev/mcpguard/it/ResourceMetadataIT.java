package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Launch.Transport;
import dev.mcpguard.it.RawHttp2.Protocol;
import dev.mcpguard.it.RawHttp2.StreamRequest;
import dev.mcpguard.it.RawHttp2.StreamResponse;
import dev.mcpguard.it.Stacks.Stack;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 9728 protected-resource metadata the agent serves itself (design §9): with {@code MCPGUARD_RESOURCE} and
 * {@code MCPGUARD_AUTHORIZATION_SERVERS} set, {@code GET} and {@code HEAD} of the root and the path-suffixed
 * well-known URLs are answered with the document on every stack, over HTTP/1.1 and HTTP/2 (in log-only mode too:
 * {@link OAuthIT}'s log-only servers, which serve it, check that); the application never sees them (it has no such page: {@link AuthGateIT#theOAuthMetadataPathIsPublicByDefault}
 * gets its 404 when the knob is unset). Only those exact raw paths are answered: another method or another reading
 * of the path goes through the gates to the application like any other request. Every challenge then points at the
 * document, unless {@code MCPGUARD_RESOURCE_METADATA_URL} names another; a token without the required scopes is
 * refused 403 {@code insufficient_scope}.
 *
 * <p>The resource is an identifier, not this server's address: {@code https://mcp.example.com/mcp}, so the URLs
 * the agent derives from it cannot be confused with the demo's own.
 */
class ResourceMetadataIT {

    private static final String RESOURCE = "https://mcp.example.com/mcp";
    private static final List<String> AUTHORIZATION_SERVERS = List.of("https://as.example.com", "https://login.example.org/tenant");
    private static final List<String> SCOPES_SUPPORTED = List.of("mcp:read", "mcp:tools");
    private static final String REQUIRED_SCOPE = "mcp:tools";

    private static final String ROOT = "/.well-known/oauth-protected-resource";
    private static final String SUFFIXED = ROOT + "/mcp";
    private static final String METADATA_URL = "https://mcp.example.com" + SUFFIXED;
    private static final String EXPLICIT_URL = "https://docs.example.com/mcp-metadata.json";

    private static final Map<String, Object> DOCUMENT = Map.of(
            "resource", RESOURCE,
            "authorization_servers", AUTHORIZATION_SERVERS,
            "scopes_supported", SCOPES_SUPPORTED,
            "bearer_methods_supported", List.of("header"));

    private static final Launch METADATA = Launch.standard()
            .with("MCPGUARD_RESOURCE", RESOURCE)
            .with("MCPGUARD_AUTHORIZATION_SERVERS", String.join(",", AUTHORIZATION_SERVERS))
            .with("MCPGUARD_SCOPES_SUPPORTED", String.join(",", SCOPES_SUPPORTED));

    /** HTTP/1.1 and h2c on one port where the stack has HTTP/2 (the JDK's server has none); the static tokens have no scope. */
    @RegisterExtension
    static final DemoServers SERVED = DemoServers.perStack(stack -> {
        Launch launch = METADATA.with("MCPGUARD_REQUIRED_SCOPES", REQUIRED_SCOPE);
        return stack.http2().contains(Protocol.PRIOR_KNOWLEDGE) ? launch.serving(Transport.H2C) : launch;
    });

    /** Which URL the challenge names is decided in the gate core, not by the stacks: two stacks of two families. */
    @RegisterExtension
    static final DemoServers EXPLICIT = DemoServers.of(METADATA.with("MCPGUARD_RESOURCE_METADATA_URL", EXPLICIT_URL));

    private static final List<String> EXPLICIT_STACKS = List.of("jetty", "netty");

    /** A dozen JVMs that spend most of their start waiting: started a few at a time before the tests. */
    @BeforeAll
    static void startTheServers() {
        DemoServers.startAll(3, Map.of(SERVED, Stacks.ALL, EXPLICIT, explicitStacks().toList()));
    }

    static Stream<Stack> explicitStacks() {
        return Stacks.all().filter(stack -> EXPLICIT_STACKS.contains(stack.name()));
    }

    @OnEachStack
    void bothWellKnownUrlsAnswerTheDocument(Stack stack) {
        DemoServer server = SERVED.on(stack);

        for (String path : List.of(ROOT, SUFFIXED)) {
            Exchange ex = server.exchange(Request.get(path));
            theDocument(ex.response(), path);
            assertThat(ex.decisions()).as("decision lines of GET %s", path).isEmpty();
        }
    }

    /**
     * {@code HEAD} gets the document's headers and no body. The agent ends the connection after every answer of its
     * own, refusals and this one alike ({@code Connection: close}): no byte may come before the end.
     */
    @OnEachStack
    void headGetsTheHeadersAlone(Stack stack) {
        DemoServer server = SERVED.on(stack);

        for (String path : List.of(ROOT, SUFFIXED)) {
            int length = server.exchange(Request.get(path)).response().body().length;
            try (RawHttp http = RawHttp.connect(server.port())) {
                http.send(Request.of("HEAD", path).bytes(server.port()));
                RawResponse head = http.readResponseToHead();

                assertThat(head.status()).as("status of HEAD %s: %s", path, head).isEqualTo(200);
                assertThat(mediaType(head)).as("Content-Type of HEAD %s", path).isEqualTo("application/json");
                assertThat(head.header("Content-Length")).as("Content-Length of HEAD %s", path).isEqualTo(Integer.toString(length));
                assertThat(head.header("Connection")).as("Connection of HEAD %s", path).isEqualToIgnoringCase("close");
                assertThat(http.closedByServer()).as("closed, no body sent, after HEAD %s", path).isTrue();
            }
        }
    }

    static Stream<Arguments> http2Stacks() {
        return Stacks.all().filter(stack -> stack.http2().contains(Protocol.PRIOR_KNOWLEDGE)).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("http2Stacks")
    void bothWellKnownUrlsAnswerTheDocumentOverHttp2(Stack stack) {
        DemoServer server = SERVED.on(stack);
        int mark = server.mark();
        try (RawHttp2 connection = RawHttp2.open(Protocol.PRIOR_KNOWLEDGE, server.port())) {
            for (String path : List.of(ROOT, SUFFIXED)) {
                StreamResponse stream = connection.send(StreamRequest.get(path));
                assertThat(stream.protocol()).as("protocol of %s", stream).isEqualTo("HTTP/2");
                assertThat(stream.ended()).as("the answer ended its stream: %s", stream).isTrue();
                theDocument(stream.answer(), path + " over h2c");
            }
            assertThat(connection.goAway()).as("GOAWAY on %s", connection).isNull();
        }
        assertThat(server.decisionsSince(mark)).as("decision lines").isEmpty();
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("http2Stacks")
    void headOverHttp2GetsTheHeadersAlone(Stack stack) {
        DemoServer server = SERVED.on(stack);
        try (RawHttp2 connection = RawHttp2.open(Protocol.PRIOR_KNOWLEDGE, server.port())) {
            for (String path : List.of(ROOT, SUFFIXED)) {
                StreamResponse head = connection.send(new StreamRequest("HEAD", path, null, List.of(), null, null, 16384, true));
                assertThat(head.answer().status()).as("status of HEAD %s: %s", path, head).isEqualTo(200);
                assertThat(mediaType(head.answer())).as("Content-Type of HEAD %s", path).isEqualTo("application/json");
                assertThat(head.answer().body()).as("body of HEAD %s over h2c", path).isEmpty();
            }
        }
    }

    /** What the agent leaves to the gates and the application, and what they make of it. */
    enum Outcome {
        /** Public (under the default {@code MCPGUARD_PUBLIC_PATHS}) and in normal form: the application's own 404. */
        APPLICATION_404,
        /** Not in normal form, so not exempt: the AUTH gate's 401. */
        MISSING_TOKEN,
        /** The PATH gate refuses an encoded dot. */
        BAD_PATH
    }

    /**
     * @param sameAs the suite's input of the same kind ({@link Stack#refusesItself}), for the stacks that answer it
     *               themselves before the agent sees it; null for none
     */
    record Variant(String method, String target, Outcome outcome, String sameAs) {

        Variant(String method, String target, Outcome outcome) {
            this(method, target, outcome, null);
        }

        @Override
        public String toString() {
            return method + " " + target + " -> " + outcome;
        }
    }

    private static final List<Variant> NOT_ANSWERED = List.of(
            new Variant("POST", ROOT, Outcome.APPLICATION_404),
            new Variant("POST", SUFFIXED, Outcome.APPLICATION_404),
            new Variant("GET", ROOT + "/other", Outcome.APPLICATION_404),
            new Variant("GET", ROOT + "/MCP", Outcome.APPLICATION_404),
            new Variant("GET", "/.well-known/OAuth-Protected-Resource", Outcome.MISSING_TOKEN),
            new Variant("GET", ROOT + ";x", Outcome.MISSING_TOKEN),
            new Variant("GET", SUFFIXED + ";x", Outcome.MISSING_TOKEN),
            new Variant("GET", ROOT + "/", Outcome.MISSING_TOKEN),
            new Variant("GET", SUFFIXED + "/", Outcome.MISSING_TOKEN),
            new Variant("GET", "/" + ROOT, Outcome.MISSING_TOKEN, "//inspector"),
            new Variant("GET", "/.well-known//oauth-protected-resource", Outcome.MISSING_TOKEN, "//inspector"),
            new Variant("GET", "/%2ewell-known/oauth-protected-resource", Outcome.BAD_PATH),
            new Variant("GET", ROOT + "%2fmcp", Outcome.BAD_PATH, "/a%2fb"));

    static Stream<Arguments> notAnswered() {
        return Stacks.times(NOT_ANSWERED);
    }

    /**
     * Another method, an escape, a parameter, an empty segment, a trailing slash or another case: the agent does not
     * answer it, whatever a server's reading of it would be, and the request goes the way of any other.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("notAnswered")
    void anotherMethodOrReadingOfTheUrlIsNotAnsweredByTheAgent(Stack stack, Variant v) {
        Request request = Request.of(v.method(), v.target());
        if (v.method().equals("POST")) {
            request = request.body(new byte[0]);
        }
        Exchange ex = SERVED.on(stack).exchange(request);

        assertThat(ex.response().text()).as("not the document: %s", ex.response()).doesNotContain("authorization_servers");
        var own = v.sameAs() == null ? java.util.OptionalInt.empty() : stack.refusesItself(v.sameAs());
        if (own.isPresent()) {
            Expect.refusedByTheStackItself(ex, own.getAsInt());
            return;
        }
        switch (v.outcome()) {
            case APPLICATION_404 -> {
                // a servlet container answers a POST to a page it does not have 405 itself
                assertThat(ex.response().status()).as("status of %s", ex.response()).isIn(404, 405);
                assertThat(ex.response().text()).as("the application's, not the agent's").doesNotContain("\"jsonrpc\"");
                assertThat(ex.decisions()).as("decision lines").isEmpty();
            }
            case MISSING_TOKEN -> {
                Expect.refusal(ex.response(), Refusal.MISSING_TOKEN, Refusal.MISSING_TOKEN.challenge(Expect.DEFAULT_REALM, METADATA_URL));
                Expect.onlyLine(ex.decisions(), "blocked", Refusal.MISSING_TOKEN, v.method(), normalized(v.target(), stack), stack);
            }
            case BAD_PATH -> Expect.blocked(ex, Refusal.BAD_PATH, v.method(), v.target());
        }
    }

    /** The MCP endpoint's challenge points at the document a client can fetch (RFC 9728 §5.1). */
    @OnEachStack
    void everyChallengePointsAtTheDocument(Stack stack) {
        DemoServer server = SERVED.on(stack);

        Exchange missing = RawMcp.send(server, null, RawMcp.initialize(1));
        Expect.refusal(missing.response(), Refusal.MISSING_TOKEN, Refusal.MISSING_TOKEN.challenge(Expect.DEFAULT_REALM, METADATA_URL));
        Expect.onlyLine(missing.decisions(), "blocked", Refusal.MISSING_TOKEN, "POST", "/mcp", stack);

        Exchange invalid = RawMcp.send(server, "wrong", RawMcp.initialize(1));
        Expect.refusal(invalid.response(), Refusal.INVALID_TOKEN, Refusal.INVALID_TOKEN.challenge(Expect.DEFAULT_REALM, METADATA_URL));
        Expect.onlyLine(invalid.decisions(), "blocked", Refusal.INVALID_TOKEN, "POST", "/mcp", stack);
    }

    /**
     * The regression of c85ba49: with the metadata configured, premain built it in the application's class loader,
     * every adapter then failed with a LinkageError its advice swallowed, and {@code /health} went through ungated.
     */
    @OnEachStack
    void withTheMetadataConfiguredTheGatesStillRun(Stack stack) {
        Exchange enforced = SERVED.on(stack).exchange(Request.get("/health"));
        Expect.refusal(enforced.response(), Refusal.MISSING_TOKEN, Refusal.MISSING_TOKEN.challenge(Expect.DEFAULT_REALM, METADATA_URL));
        Expect.onlyLine(enforced.decisions(), "blocked", Refusal.MISSING_TOKEN, "GET", "/health", stack);
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("explicitStacks")
    void anExplicitMetadataUrlWinsAndTheDocumentIsStillServed(Stack stack) {
        DemoServer server = EXPLICIT.on(stack);

        Exchange missing = server.exchange(Request.get("/health"));
        Expect.refusal(missing.response(), Refusal.MISSING_TOKEN, Refusal.MISSING_TOKEN.challenge(Expect.DEFAULT_REALM, EXPLICIT_URL));
        Expect.refusal(server.exchange(Request.get("/health").bearer("wrong")).response(), Refusal.INVALID_TOKEN,
                Refusal.INVALID_TOKEN.challenge(Expect.DEFAULT_REALM, EXPLICIT_URL));
        theDocument(server.exchange(Request.get(SUFFIXED)).response(), SUFFIXED);
    }

    /** A static token has no scopes (design §9): with a required scope it is refused 403, its principal named. */
    @OnEachStack
    void aTokenWithoutTheRequiredScopeIsForbidden(Stack stack) {
        Exchange ex = SERVED.on(stack).exchange(Request.get("/health").bearer(TOKEN));

        Expect.refusal(ex.response(), Refusal.INSUFFICIENT_SCOPE, insufficientScopeChallenge());
        Expect.onlyLine(ex.decisions(), "blocked", Refusal.INSUFFICIENT_SCOPE, "GET", "/health", stack);
        assertThat(ex.decisions().get(0).userName()).as("user.name").isEqualTo(principalOf(TOKEN));
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("http2Stacks")
    void aTokenWithoutTheRequiredScopeIsForbiddenOverHttp2(Stack stack) {
        DemoServer server = SERVED.on(stack);
        int mark = server.mark();
        StreamResponse stream;
        try (RawHttp2 connection = RawHttp2.open(Protocol.PRIOR_KNOWLEDGE, server.port())) {
            stream = connection.send(StreamRequest.get("/health").bearer(TOKEN));
        }

        assertThat(stream.protocol()).as("protocol of %s", stream).isEqualTo("HTTP/2");
        Expect.refusal(stream.answer(), Refusal.INSUFFICIENT_SCOPE, insufficientScopeChallenge());
        List<Decision> decisions = server.decisionsSince(mark);
        Expect.onlyLine(decisions, "blocked", Refusal.INSUFFICIENT_SCOPE, "GET", "/health", stack);
        assertThat(decisions.get(0).userName()).as("user.name").isEqualTo(principalOf(TOKEN));
    }

    private static String insufficientScopeChallenge() {
        return "Bearer realm=\"" + Expect.DEFAULT_REALM + "\", resource_metadata=\"" + METADATA_URL
                + "\", error=\"insufficient_scope\", scope=\"" + REQUIRED_SCOPE + "\"";
    }

    /** §9: a static token's principal is {@code token:} and the first 8 hex digits of its SHA-256. */
    private static String principalOf(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "token:" + HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void theDocument(RawResponse response, String what) {
        assertThat(response.status()).as("status of %s: %s", what, response).isEqualTo(200);
        assertThat(mediaType(response)).as("Content-Type of %s", what).isEqualTo("application/json");
        assertThat(Expect.json(response.text())).as("the document at %s", what).isEqualTo(DOCUMENT);
    }

    private static String mediaType(RawResponse response) {
        String type = response.header("Content-Type");
        return type == null ? null : type.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * What the decision line names: the path as the gates read it (parameters and empty segments gone); the JDK's
     * server reads a leading {@code //} as the start of an authority, and hands over the path after it.
     */
    private static String normalized(String target, Stack stack) {
        if (target.startsWith("//") && stack.readsDoubleSlashAsAuthority()) {
            target = target.substring(target.indexOf('/', 2));
        }
        String path = target.replaceAll(";[^/]*", "").replaceAll("/{2,}", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
