package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.ROTATED_TOKEN;
import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AUTH gate (§4 row 4), enforcing: bearer tokens, fail-closed, the 401 challenge, public paths. */
class AuthGateIT {

    private static final String PATH = "/health";
    private static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";
    private static final String REALM = "tools";
    private static final String METADATA = "https://mcp.example/.well-known/oauth-protected-resource";

    @RegisterExtension
    static final DemoServers TOKENS = DemoServers.of(Launch.standard());

    @RegisterExtension
    static final DemoServers CHALLENGE = DemoServers.of(Launch.standard()
            .with("MCPGUARD_REALM", REALM)
            .with("MCPGUARD_RESOURCE_METADATA_URL", METADATA));

    @RegisterExtension
    static final DemoServers PUBLIC_HEALTH = DemoServers.of(Launch.standard().with("MCPGUARD_PUBLIC_PATHS", PATH));

    /** No token source and no opt-out: fail-closed. */
    @RegisterExtension
    static final DemoServers NO_TOKEN = DemoServers.of(Launch.defaults());

    @RegisterExtension
    static final DemoServers NO_AUTH = DemoServers.of(Launch.defaults().with("MCPGUARD_NO_AUTH", "1"));

    static Stream<Arguments> refusedCredentials() {
        return Stacks.times(List.of(
                new Credentials(Request.get(PATH), Refusal.MISSING_TOKEN),
                new Credentials(Request.get(PATH).header("Authorization", ""), Refusal.MISSING_TOKEN),
                new Credentials(Request.get(PATH).header("Authorization", "Basic abc"), Refusal.MISSING_TOKEN),
                new Credentials(Request.get(PATH).bearer("wrong"), Refusal.INVALID_TOKEN),
                new Credentials(Request.get(PATH).header("Authorization", "Bearer"), Refusal.INVALID_TOKEN),
                new Credentials(Request.get(PATH).header("Authorization", "Bearer" + TOKEN), Refusal.INVALID_TOKEN),
                new Credentials(Request.get(PATH + "?access_token=x"), Refusal.INVALID_REQUEST),
                new Credentials(Request.get(PATH + "?access_token=" + TOKEN).bearer(TOKEN), Refusal.INVALID_REQUEST),
                new Credentials(Request.get(PATH).bearer(TOKEN).bearer(TOKEN), Refusal.INVALID_REQUEST),
                new Credentials(Request.get(PATH).header("Authorization", "Bearer " + TOKEN + ", Bearer " + ROTATED_TOKEN),
                        Refusal.INVALID_REQUEST),
                new Credentials(Request.post("/mcp").body("{}".getBytes(StandardCharsets.UTF_8)), Refusal.MISSING_TOKEN)));
    }

    record Credentials(Request request, Refusal refusal) {
        @Override
        public String toString() {
            return request + " -> " + refusal;
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusedCredentials")
    void refusesRequestsWithoutAnAcceptedBearerToken(Stack stack, Credentials c) {
        Exchange ex = TOKENS.on(stack).exchange(c.request());

        Expect.blocked(ex, c.refusal(), c.request().method(), c.request().rawPath());
    }

    static Stream<Arguments> acceptedAuthorizations() {
        return Stacks.times(List.of(
                "Bearer " + TOKEN,
                "Bearer " + ROTATED_TOKEN,
                "bearer  " + TOKEN,   // the scheme ignores case, one or more spaces follow it
                "BEARER " + ROTATED_TOKEN));
    }

    @ParameterizedTest(name = "{0} Authorization: {1}")
    @MethodSource("acceptedAuthorizations")
    void acceptsEveryConfiguredToken(Stack stack, String authorization) {
        Expect.passed(TOKENS.on(stack).exchange(Request.get(PATH).header("Authorization", authorization)), 200);
    }

    /** Public, and the application has no such page (on {@code jdk} the server has no context for it either). */
    @OnEachStack
    void theOAuthMetadataPathIsPublicByDefault(Stack stack) {
        Expect.passed(TOKENS.on(stack).exchange(Request.get(WELL_KNOWN)), 404);
    }

    @OnEachStack
    void theChallengeNamesTheConfiguredRealmAndResourceMetadata(Stack stack) {
        DemoServer server = CHALLENGE.on(stack);

        Exchange missing = server.exchange(Request.get(PATH));
        Expect.refusal(missing.response(), Refusal.MISSING_TOKEN, "Bearer realm=\"tools\", resource_metadata=\"" + METADATA + "\"");
        Expect.onlyLine(missing.decisions(), "blocked", Refusal.MISSING_TOKEN, "GET", PATH, stack);

        Exchange invalid = server.exchange(Request.get(PATH).bearer("wrong"));
        Expect.refusal(invalid.response(), Refusal.INVALID_TOKEN,
                "Bearer realm=\"tools\", resource_metadata=\"" + METADATA + "\", error=\"invalid_token\"");
        Expect.onlyLine(invalid.decisions(), "blocked", Refusal.INVALID_TOKEN, "GET", PATH, stack);
    }

    @OnEachStack
    void publicPathsExemptExactlyTheirPrefixWithItsCaseAndReplaceTheDefault(Stack stack) {
        DemoServer server = PUBLIC_HEALTH.on(stack);

        Expect.passed(server.exchange(Request.get(PATH)), 200);
        for (String other : List.of("/HEALTH", "/healthx", WELL_KNOWN)) {
            Expect.blockedUnlessTheStackRefusesItself(server.exchange(Request.get(other)), other, Refusal.MISSING_TOKEN, "GET", other);
        }
    }

    /**
     * A path no route serves is refused by AUTH before the server's own 404. The JDK server answers such a
     * request before any filter: the agent gives it a fallback context that holds the gate (issue 11 item 1).
     */
    @OnEachStack
    void aPathNoRouteServesIsRefusedBeforeTheServersOwn404(Stack stack) {
        DemoServer server = TOKENS.on(stack);

        Expect.blocked(server.exchange(Request.get("/no-such-page")), Refusal.MISSING_TOKEN, "GET", "/no-such-page");
        Expect.passed(server.exchange(Request.get("/no-such-page").bearer(TOKEN)), 404);
    }

    /**
     * The JDK demo's {@code /health} context has an application filter the application put first
     * ({@code getFilters().add(0, f)}) that answers {@code /health/version} itself: the gate still runs before it.
     */
    @Test
    void anApplicationFilterPutFirstStillRunsAfterTheGate() {
        Assumptions.assumeTrue(Stacks.ALL.contains(Stacks.JDK), "the jdk stack is not selected");
        DemoServer server = TOKENS.on(Stacks.JDK);

        Expect.blocked(server.exchange(Request.get("/health/version")), Refusal.MISSING_TOKEN, "GET", "/health/version");
        Exchange allowed = server.exchange(Request.get("/health/version").bearer(TOKEN));
        Expect.passed(allowed, 200);
        assertThat(allowed.response().text()).isEqualTo("version-from-filter");
    }

    @OnEachStack
    void withoutATokenSourceEveryNonPublicRequestIsRefusedAndTheStartSaysWhy(Stack stack) {
        DemoServer server = NO_TOKEN.on(stack);

        server.awaitStderrLine("ERROR", "MCPGUARD_TOKEN");
        Expect.blocked(server.exchange(Request.get(PATH)), Refusal.MISSING_TOKEN, "GET", PATH);
        Expect.blocked(server.exchange(Request.get(PATH).bearer(TOKEN)), Refusal.INVALID_TOKEN, "GET", PATH);
        Expect.blocked(server.exchange(Request.get(PATH).bearer("anything")), Refusal.INVALID_TOKEN, "GET", PATH);
        Expect.passed(server.exchange(Request.get(WELL_KNOWN)), 404);
    }

    @OnEachStack
    void theExplicitOptOutLetsRequestsWithoutATokenThroughAndWarns(Stack stack) {
        DemoServer server = NO_AUTH.on(stack);

        server.awaitStderrLine("WARN", "MCPGUARD_NO_AUTH");
        Expect.passed(server.exchange(Request.get(PATH)), 200);
    }
}
