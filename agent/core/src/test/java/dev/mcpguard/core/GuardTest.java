package dev.mcpguard.core;

import dev.mcpguard.testing.TestGuard;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refusal row of design §4 through {@link Guard}, in each mode. */
class GuardTest {
    private static final String TOKEN = "good-token";
    /** A token file entry without the scope every request needs. */
    private static final String UNSCOPED = "unscoped-token";
    private static final String EXPIRED = "expired-token";
    private static final String STACK = "test-stack";
    private static final List<GateName> REQUEST_GATES =
            List.of(GateName.PATH, GateName.LOOPBACK, GateName.ORIGIN, GateName.AUTH, GateName.BODY);

    @TempDir
    static Path dir;
    private static Path tokenFile;

    private final RecordingSink sink = new RecordingSink();

    @BeforeAll
    static void tokenFile() throws IOException {
        tokenFile = Files.writeString(dir.resolve("tokens"), TOKEN + " name=client scopes=mcp:tools,mcp:read\n"
                + UNSCOPED + " name=reader scopes=mcp:read\n" + EXPIRED + " scopes=mcp:tools expires=2000-01-01\n");
    }

    /** dev, loopback paths /inspector, a token file, a required scope, a 1024-byte limit, every gate enforcing. */
    private TestGuard guard() {
        return TestGuard.builder()
                .sink(sink)
                .knob("MCPGUARD_MAX_BODY_BYTES", "1024")
                .knob("MCPGUARD_TOKEN_FILE", tokenFile.toString())
                .knob("MCPGUARD_REQUIRED_SCOPES", "mcp:tools")
                .knob("MCPGUARD_ENV", "dev")
                .knob("MCPGUARD_LOOPBACK_PATHS", "/inspector");
    }

    private Guard guard(GateMode mode) {
        TestGuard builder = guard();
        REQUEST_GATES.forEach(gate -> builder.mode(gate, mode));
        return builder.build();
    }

    /** A request every gate lets through: loopback peer and listener, loopback Host, good token. */
    private static FakeRequest.Builder valid() {
        return FakeRequest.builder()
                .method("POST")
                .target("/mcp")
                .peer("127.0.0.1")
                .local("127.0.0.1")
                .header("Host", "localhost:8080")
                .header("Authorization", "Bearer " + TOKEN);
    }

    /** Breaks every request gate at once (in prod or dev): the bad path also trips LOOPBACK. */
    private static FakeRequest breaksEveryGate() {
        return valid()
                .target("/inspector/%2e")
                .peer("10.0.0.1")
                .header("Origin", "http://evil.example")
                .withoutHeader("Authorization")
                .header("Content-Length", "2000")
                .build();
    }

    record Row(String name, UnaryOperator<FakeRequest.Builder> change, Reason reason) {
        FakeRequest request() {
            return change.apply(valid()).build();
        }

        String expected() {
            return reason.gate().id() + "/" + reason.id() + "/" + reason.status();
        }

        @Override
        public String toString() {
            return name + " -> " + reason.id();
        }
    }

    private static Row row(String name, Reason reason, UnaryOperator<FakeRequest.Builder> change) {
        return new Row(name, change, reason);
    }

    /** Each request breaks exactly one gate, for exactly one reason. */
    static Stream<Row> rows() {
        return Stream.of(
                row("dot-dot above the root", Reason.BAD_PATH, r -> r.target("/mcp/../..")),
                row("encoded dot segment", Reason.BAD_PATH, r -> r.target("/%2e%2e/mcp")),
                row("encoded slash", Reason.BAD_PATH, r -> r.target("/mcp%2fx")),
                row("raw backslash", Reason.BAD_PATH, r -> r.target("/x\\..\\mcp")),
                row("overlong dot", Reason.BAD_PATH, r -> r.target("/%c0%ae%c0%ae/mcp")),

                row("non-loopback peer", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").peer("10.0.0.1")),
                row("sub-path, other case", Reason.LOOPBACK_ONLY, r -> r.target("/INSPECTOR/page").peer("10.0.0.1")),
                row("path parameter", Reason.LOOPBACK_ONLY, r -> r.target("/inspector;jsessionid=1").peer("10.0.0.1")),
                row("duplicate slashes", Reason.LOOPBACK_ONLY, r -> r.target("//inspector//").peer("10.0.0.1")),
                row("unknown peer", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").peer(null)),
                row("peer is a name", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").peer("localhost")),
                row("relay: empty X-Forwarded-For", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("X-Forwarded-For", "")),
                row("relay: X-Forwarded-Host", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("x-forwarded-host", "a")),
                row("relay: Forwarded", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("Forwarded", "for=127.0.0.1")),
                row("relay: Via", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("Via", "1.1 proxy")),
                row("relay: X-Real-IP", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("X-Real-IP", "127.0.0.1")),
                row("relay: CF-Connecting-IP", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("CF-Connecting-IP", "")),
                row("relay: True-Client-IP", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("true-client-ip", "1")),
                row("relay: X-Client-IP", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("X-Client-IP", "1")),
                row("relay: X-Cluster-Client-IP", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("X-Cluster-Client-IP", "1")),
                row("relay: Fastly-Client-IP", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("Fastly-Client-IP", "1")),
                row("relay: X-Original-Forwarded-For", Reason.LOOPBACK_ONLY,
                        r -> r.target("/inspector").header("X-Original-Forwarded-For", "1")),
                row("relay: X-ProxyUser-Ip", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").header("X-ProxyUser-Ip", "1")),
                row("relay: PROXY protocol or AJP", Reason.LOOPBACK_ONLY, r -> r.target("/inspector").relayed()),

                row("foreign Origin", Reason.ORIGIN_NOT_ALLOWED, r -> r.header("Origin", "http://evil.example")),
                row("Origin null", Reason.ORIGIN_NOT_ALLOWED, r -> r.header("Origin", "null")),
                row("look-alike Origin", Reason.ORIGIN_NOT_ALLOWED, r -> r.header("Origin", "http://localhost.evil.example")),
                row("second Origin foreign", Reason.ORIGIN_NOT_ALLOWED,
                        r -> r.header("Origin", "http://localhost").header("Origin", "http://evil.example")),
                row("Origin checked before Host", Reason.ORIGIN_NOT_ALLOWED,
                        r -> r.header("Origin", "http://evil.example").withoutHeader("Host").header("Host", "evil.example")),
                row("rebinding Host on a loopback listener", Reason.HOST_NOT_ALLOWED,
                        r -> r.withoutHeader("Host").header("Host", "evil.example")),
                row("malformed Host", Reason.HOST_NOT_ALLOWED, r -> r.withoutHeader("Host").header("Host", "localhost:abc")),
                row("rebinding :authority, no Host (HTTP/2)", Reason.HOST_NOT_ALLOWED,
                        r -> r.withoutHeader("Host").authority("evil.example:443")),
                row("rebinding :authority beside a loopback Host", Reason.HOST_NOT_ALLOWED, r -> r.authority("evil.example")),
                row("loopback :authority beside a rebinding Host", Reason.HOST_NOT_ALLOWED,
                        r -> r.authority("localhost").withoutHeader("Host").header("Host", "evil.example")),
                row("empty :authority on a loopback listener", Reason.HOST_NOT_ALLOWED, r -> r.withoutHeader("Host").authority("")),

                row("no Authorization", Reason.MISSING_TOKEN, r -> r.withoutHeader("Authorization")),
                row("empty Authorization", Reason.MISSING_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "")),
                row("Basic scheme", Reason.MISSING_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "Basic Z29vZC10b2tlbg==")),
                row("wrong token", Reason.INVALID_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "Bearer bad-token")),
                row("Bearer alone", Reason.INVALID_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "Bearer")),
                row("Bearer<tok>", Reason.INVALID_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "Bearer" + TOKEN)),
                row("token with a space", Reason.INVALID_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "Bearer good token")),
                row("token prefix", Reason.INVALID_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "Bearer good")),
                row("expired token", Reason.INVALID_TOKEN, r -> r.withoutHeader("Authorization").header("Authorization", "Bearer " + EXPIRED)),
                row("token without the required scope", Reason.INSUFFICIENT_SCOPE,
                        r -> r.withoutHeader("Authorization").header("Authorization", "Bearer " + UNSCOPED)),
                row("query token with header", Reason.INVALID_REQUEST, r -> r.target("/mcp?access_token=" + TOKEN)),
                row("query token without header", Reason.INVALID_REQUEST, r -> r.target("/mcp?a=1&access_token=x").withoutHeader("Authorization")),
                row("query token, encoded name", Reason.INVALID_REQUEST, r -> r.target("/mcp?ACCESS%5Ftoken")),
                row("two Authorization fields", Reason.INVALID_REQUEST, r -> r.header("Authorization", "Bearer " + TOKEN)),
                row("merged Authorization", Reason.INVALID_REQUEST,
                        r -> r.withoutHeader("Authorization").header("Authorization", "Bearer " + TOKEN + ", Bearer x")),

                row("declared length over the limit", Reason.BODY_TOO_LARGE, r -> r.header("Content-Length", "1025")),
                row("leading zeros are digits", Reason.BODY_TOO_LARGE, r -> r.header("Content-Length", "01025")),
                row("huge declared length", Reason.BODY_TOO_LARGE, r -> r.header("Content-Length", Long.toString(Long.MAX_VALUE))),
                row("negative length", Reason.BAD_CONTENT_LENGTH, r -> r.header("Content-Length", "-1")),
                row("signed length", Reason.BAD_CONTENT_LENGTH, r -> r.header("Content-Length", "+5")),
                row("decimal length", Reason.BAD_CONTENT_LENGTH, r -> r.header("Content-Length", "1.5")),
                row("hex length", Reason.BAD_CONTENT_LENGTH, r -> r.header("Content-Length", "0x10")),
                row("empty length", Reason.BAD_CONTENT_LENGTH, r -> r.header("Content-Length", "")),
                row("merged lengths", Reason.BAD_CONTENT_LENGTH, r -> r.header("Content-Length", "5, 5")),
                row("length beyond a long", Reason.BAD_CONTENT_LENGTH, r -> r.header("Content-Length", "9223372036854775808")),
                row("two different lengths", Reason.BAD_CONTENT_LENGTH,
                        r -> r.header("Content-Length", "5").header("Content-Length", "6")),
                row("length with Transfer-Encoding", Reason.BAD_CONTENT_LENGTH,
                        r -> r.header("Content-Length", "5").header("Transfer-Encoding", "chunked")));
    }

    @Test
    void aValidRequestIsAllowedAndRecordedOnce() {
        Verdict verdict = guard(GateMode.ENFORCE).check(valid().build(), STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.refusal()).isNull();
        assertThat(sink.lines()).containsExactly("allowed");
        assertThat(sink.decisions().get(0).verdict()).isSameAs(verdict);
    }

    @Test
    void requestsThatLookSuspiciousButBreakNoRuleAreAllowed() {
        Guard guard = guard(GateMode.ENFORCE);
        List<FakeRequest> requests = List.of(
                valid().target("/inspector").build(), // dev, direct loopback peer
                valid().target("/inspectorx").peer("10.0.0.1").build(), // not under the prefix
                valid().header("Origin", "http://127.0.0.1:5173").build(),
                valid().withoutHeader("Host").build(), // no Host passes
                valid().withoutHeader("Host").header("Host", "evil.example").local("10.0.0.2").build(), // public listener
                valid().withoutHeader("Host").authority("[::1]:8443").build(), // HTTP/2, loopback :authority
                valid().withoutHeader("Host").authority("evil.example").local("10.0.0.2").build(), // public listener
                valid().target("/mcp?q=access_tokens&x=access_token_id").build(),
                valid().header("Content-Length", "1024").build(), // exactly the limit
                valid().header("Content-Length", "7").header("Content-Length", "7").build(),
                valid().withoutHeader("Authorization").header("Authorization", "bearer   " + TOKEN).build());
        for (FakeRequest request : requests) {
            sink.clear();
            assertThat(guard.check(request, STACK).allowed()).as(request.rawPath()).isTrue();
            assertThat(sink.lines()).as(request.rawPath()).containsExactly("allowed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void enforceRefusesAndRecordsOneBlockedDecision(Row row) {
        Verdict verdict = guard(GateMode.ENFORCE).check(row.request(), STACK);

        assertThat(verdict.allowed()).isFalse();
        Refusal refusal = verdict.refusal();
        assertThat(refusal.gate()).isEqualTo(row.reason().gate());
        assertThat(refusal.reason()).isEqualTo(row.reason());
        assertThat(refusal.status()).isEqualTo(row.reason().status());
        assertThat(sink.lines()).containsExactly("blocked " + row.expected());
        assertThat(sink.decisions().get(0).refusal()).isSameAs(refusal);
        assertThat(sink.decisions().get(0).verdict()).isSameAs(verdict);
        assertThat(sink.failures()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void logOnlyAllowsAndRecordsWouldBlockWithTheSameRefusal(Row row) {
        Verdict verdict = guard(GateMode.LOG_ONLY).check(row.request(), STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.refusal()).isNull();
        assertThat(sink.lines()).containsExactly("would_block " + row.expected(), "allowed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void offAllowsAndRecordsNoRefusal(Row row) {
        Verdict verdict = guard().mode(row.reason().gate(), GateMode.OFF).build().check(row.request(), STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(sink.lines()).containsExactly("allowed");
    }

    @ParameterizedTest
    @EnumSource(names = {"PATH", "LOOPBACK", "ORIGIN", "AUTH", "BODY"})
    void anEnforcingGateStopsTheWalk(GateName first) {
        TestGuard builder = guard();
        REQUEST_GATES.stream().filter(gate -> gate.ordinal() < first.ordinal())
                .forEach(gate -> builder.mode(gate, GateMode.OFF));

        Verdict verdict = builder.build().check(breaksEveryGate(), STACK);

        assertThat(verdict.refusal().gate()).isEqualTo(first);
        assertThat(sink.decisions()).hasSize(1);
        assertThat(sink.decisions().get(0).action()).isEqualTo(Action.BLOCKED);
        assertThat(sink.decisions().get(0).refusal().gate()).isEqualTo(first);
    }

    @Test
    void logOnlyRecordsEveryBrokenGateInOrderThenAllows() {
        Verdict verdict = guard(GateMode.LOG_ONLY).check(breaksEveryGate(), STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(sink.lines()).containsExactly(
                "would_block path/bad_path/400",
                "would_block loopback/loopback_only/403",
                "would_block origin/origin_not_allowed/403",
                "would_block auth/missing_token/401",
                "would_block body/body_too_large/413",
                "allowed");
    }

    @Test
    void logOnlyRequestBreakingTwoGatesYieldsTwoRecords() {
        FakeRequest request = valid().header("Origin", "http://evil.example").withoutHeader("Authorization").build();

        Verdict verdict = guard(GateMode.LOG_ONLY).check(request, STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(sink.lines()).containsExactly(
                "would_block origin/origin_not_allowed/403", "would_block auth/missing_token/401", "allowed");
    }

    @Test
    void mixedModesAuthLogOnlyOthersEnforce() {
        Guard guard = guard().mode(GateName.AUTH, GateMode.LOG_ONLY).build();

        assertThat(guard.check(valid().withoutHeader("Authorization").build(), STACK).allowed()).isTrue();
        assertThat(sink.lines()).containsExactly("would_block auth/missing_token/401", "allowed");

        sink.clear();
        Verdict tooLarge = guard.check(valid().withoutHeader("Authorization").header("Content-Length", "2000").build(), STACK);
        assertThat(tooLarge.allowed()).isFalse();
        assertThat(sink.lines()).containsExactly("would_block auth/missing_token/401", "blocked body/body_too_large/413");

        sink.clear();
        Verdict foreign = guard.check(valid().withoutHeader("Authorization").header("Origin", "http://evil.example").build(), STACK);
        assertThat(foreign.refusal().reason()).isEqualTo(Reason.ORIGIN_NOT_ALLOWED);
        assertThat(sink.lines()).containsExactly("blocked origin/origin_not_allowed/403");
    }

    @Test
    void mixedModesOffGateIsSkippedLogOnlyGateLogged() {
        Guard guard = guard().mode(GateName.ORIGIN, GateMode.OFF).mode(GateName.AUTH, GateMode.LOG_ONLY).build();

        Verdict verdict = guard.check(valid().header("Origin", "null").withoutHeader("Authorization").build(), STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(sink.lines()).containsExactly("would_block auth/missing_token/401", "allowed");
    }

    @Test
    void theVerdictCarriesTheLoggedFacts() {
        Verdict verdict = guard(GateMode.ENFORCE).check(
                valid().method("GET").target("//a/b/?access_token=secret").peer("::1").build(), STACK);

        assertThat(verdict.method()).isEqualTo("GET");
        assertThat(verdict.path()).isEqualTo("/a/b");
        assertThat(verdict.client()).isEqualTo("::1");
        assertThat(verdict.stack()).isEqualTo(STACK);
    }

    @Test
    void anUnnormalizablePathIsLoggedRawWithoutItsQuery() {
        Verdict verdict = guard(GateMode.ENFORCE).check(valid().target("/a/%2e%2e/b?access_token=secret").build(), STACK);

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.BAD_PATH);
        assertThat(verdict.path()).isEqualTo("/a/%2e%2e/b");
    }

    // ---- LOOPBACK in prod, and its relaxations ----

    @Test
    void prodRefusesLoopbackPathsEvenToDirectLoopbackPeers() {
        Guard guard = guard().knob("MCPGUARD_ENV", "prod").build();

        for (String peer : new String[] {"127.0.0.1", "::1", "unix", "10.0.0.1"}) {
            sink.clear();
            assertThat(guard.check(valid().target("/inspector").peer(peer).build(), STACK).refusal().reason())
                    .as(peer).isEqualTo(Reason.LOOPBACK_ONLY);
        }
        sink.clear();
        assertThat(guard.check(valid().target("/mcp").build(), STACK).allowed()).isTrue();
    }

    @Test
    void trustProdLoopbackAdmitsLoopbackPeersAndRelaysButNotOthers() {
        Guard guard = guard().knob("MCPGUARD_ENV", "prod").knob("MCPGUARD_TRUST_PROD_LOOPBACK", "1").build();

        assertThat(guard.check(valid().target("/inspector").build(), STACK).allowed()).isTrue();
        assertThat(guard.check(valid().target("/inspector").peer("::ffff:127.0.0.1").build(), STACK).allowed()).isTrue();
        assertThat(guard.check(valid().target("/inspector").header("X-Forwarded-For", "203.0.113.9").build(), STACK)
                .allowed()).isTrue();
        assertThat(guard.check(valid().target("/inspector").peer("10.0.0.1").build(), STACK).refusal().reason())
                .isEqualTo(Reason.LOOPBACK_ONLY);
    }

    @Test
    void forwardingHeadersNeverMakeARemotePeerLoopback() {
        FakeRequest request = valid().target("/inspector").peer("203.0.113.9")
                .header("X-Forwarded-For", "127.0.0.1").header("X-Real-IP", "127.0.0.1")
                .header("Forwarded", "for=127.0.0.1").withoutHeader("Host").header("Host", "127.0.0.1").build();

        assertThat(guard().build().check(request, STACK).refusal().reason()).isEqualTo(Reason.LOOPBACK_ONLY);
    }

    @Test
    void relayHeadersCanBeAddedByName() {
        Guard guard = guard().knob("MCPGUARD_ENV", "dev").knob("MCPGUARD_RELAY_HEADERS", "x-my-edge-client").build();

        assertThat(guard.check(valid().target("/inspector").header("X-My-Edge-Client", "").build(), STACK)
                .refusal().reason()).isEqualTo(Reason.LOOPBACK_ONLY);
        assertThat(guard.check(valid().target("/inspector").header("X-Other", "").build(), STACK).allowed()).isTrue();
    }

    @Test
    void anUnnormalizablePathCountsAsALoopbackPathInLogOnly() {
        RecordingSink sink = new RecordingSink();
        Guard guard = guard().sink(sink).mode(GateName.PATH, GateMode.LOG_ONLY).mode(GateName.LOOPBACK, GateMode.LOG_ONLY)
                .build();

        guard.check(valid().target("/health/../inspector").peer("10.0.0.1").build(), STACK);

        assertThat(sink.lines()).startsWith("would_block path/bad_path/400", "would_block loopback/loopback_only/403");
    }

    @Test
    void withoutLoopbackPathsTheLoopbackGateIsSilent() {
        Guard guard = guard().knob("MCPGUARD_ENV", "prod").knob("MCPGUARD_LOOPBACK_PATHS", "").build();

        assertThat(guard.check(valid().target("/inspector").peer("10.0.0.1").build(), STACK).allowed()).isTrue();
    }

    // ---- AUTH ----

    @Test
    void publicPathsAreExemptFromAuthOnlyAndMatchCaseSensitively() {
        Guard guard = guard().knob("MCPGUARD_PUBLIC_PATHS", "/.well-known/oauth-protected-resource").build();

        assertThat(guard.check(valid().target("/.well-known/oauth-protected-resource/mcp")
                .withoutHeader("Authorization").build(), STACK).allowed()).isTrue();
        assertThat(guard.check(valid().target("/.well-known/OAUTH-protected-resource")
                .withoutHeader("Authorization").build(), STACK).refusal().reason()).isEqualTo(Reason.MISSING_TOKEN);
        assertThat(guard.check(valid().target("/.well-known/oauth-protected-resource")
                .withoutHeader("Authorization").header("Origin", "http://evil.example").build(), STACK)
                .refusal().reason()).isEqualTo(Reason.ORIGIN_NOT_ALLOWED);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"//.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/",
        "/.well-known/oauth-protected-resource;x", "/.well-known/oauth-protected-resource/%6Dcp",
        "/.well-known//oauth-protected-resource", "/%2Ewell-known/oauth-protected-resource"})
    void aPublicPathIsExemptOnlyInItsNormalForm(String target) {
        Guard guard = guard().knob("MCPGUARD_PUBLIC_PATHS", "/.well-known/oauth-protected-resource").build();

        Verdict verdict = guard.check(valid().target(target).withoutHeader("Authorization").build(), STACK);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.refusal().reason()).isIn(Reason.MISSING_TOKEN, Reason.BAD_PATH);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"/mcp/../.well-known/oauth-protected-resource", "/health/..;/.well-known/oauth-protected-resource",
        "//../.well-known/oauth-protected-resource", "/mcp/..%3B/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource#/../../mcp", "/inspector/../health", "/x/./inspector"})
    void dotSegmentsEncodedSemicolonsAndFragmentsAreBadPaths(String target) {
        Verdict verdict = guard(GateMode.ENFORCE).check(valid().target(target).withoutHeader("Authorization").build(), STACK);

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.BAD_PATH);
    }

    @Test
    void aTokenFileEntryNamesThePrincipalAndAnExpiredOneIsRefusedWithItsDetail() {
        Guard guard = guard(GateMode.ENFORCE);

        assertThat(guard.check(valid().build(), STACK).principal().name()).isEqualTo("client");
        Verdict expired = guard.check(valid().withoutHeader("Authorization").header("Authorization", "Bearer " + EXPIRED)
                .build(), STACK);
        assertThat(expired.refusal().reason()).isEqualTo(Reason.INVALID_TOKEN);
        assertThat(expired.principal()).isNull();
        assertThat(sink.details()).containsExactly("expired");
    }

    @Test
    void noTokenConfiguredFailsClosed() {
        Guard guard = guard().without("MCPGUARD_TOKEN_FILE").without("MCPGUARD_REQUIRED_SCOPES").build();

        assertThat(guard.check(valid().build(), STACK).refusal().reason()).isEqualTo(Reason.INVALID_TOKEN);
        assertThat(guard.check(valid().withoutHeader("Authorization").build(), STACK).refusal().reason())
                .isEqualTo(Reason.MISSING_TOKEN);
    }

    @Test
    void anyConfiguredTokenIsAccepted() {
        Guard guard = guard().without("MCPGUARD_TOKEN_FILE").without("MCPGUARD_REQUIRED_SCOPES").knob("MCPGUARD_TOKEN", "old,new")
                .build();

        for (String token : new String[] {"old", "new"}) {
            assertThat(guard.check(valid().withoutHeader("Authorization").header("authorization", "Bearer " + token)
                    .build(), STACK).allowed()).as(token).isTrue();
        }
        assertThat(guard.check(valid().build(), STACK).allowed()).isFalse();
    }

    @Test
    void everyAuthRefusalCarriesItsChallenge() {
        Guard guard = guard().knob("MCPGUARD_REALM", "corp").knob("MCPGUARD_RESOURCE_METADATA_URL", "https://mcp.example/.well-known/oauth-protected-resource")
                .build();

        Refusal refusal = guard.check(valid().withoutHeader("Authorization").header("Authorization", "Bearer x").build(), STACK)
                .refusal();

        assertThat(RefusalTest.header(refusal, "WWW-Authenticate")).isEqualTo("Bearer realm=\"corp\", resource_metadata="
                + "\"https://mcp.example/.well-known/oauth-protected-resource\", error=\"invalid_token\"");
        assertThat(new String(refusal.body(), StandardCharsets.US_ASCII)).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"Unauthorized\","
                        + "\"data\":{\"gate\":\"auth\",\"error\":\"invalid_token\"}}}");
    }

    // ---- BODY, streamed ----

    @Test
    void onlyBodiesWithoutADeclaredLengthAreCounted() {
        Guard guard = guard(GateMode.ENFORCE);

        // No declared length: chunked, or an HTTP/2 body, which has no Transfer-Encoding.
        assertThat(guard.check(valid().method("GET").build(), STACK).bodyMeter()).isNotNull();
        assertThat(guard.check(valid().header("Content-Length", "0").build(), STACK).bodyMeter()).isNull();
        assertThat(guard.check(valid().header("Content-Length", "10").build(), STACK).bodyMeter()).isNull();
        assertThat(guard.check(valid().header("Transfer-Encoding", "gzip, chunked").build(), STACK).bodyMeter())
                .isNotNull();
    }

    @Test
    void anEncodedBodyIsCountedAsReadEvenWithADeclaredLength() {
        Guard guard = guard(GateMode.ENFORCE);

        // A server that inflates hands the application more than the declared (compressed) length.
        assertThat(guard.check(valid().header("Content-Length", "10").header("Content-Encoding", "gzip").build(), STACK)
                .bodyMeter()).isNotNull();
        assertThat(guard.check(valid().header("Content-Encoding", "deflate").build(), STACK).bodyMeter()).isNotNull();
        assertThat(guard().mode(GateName.BODY, GateMode.OFF).build()
                .check(valid().header("Content-Length", "10").header("Content-Encoding", "gzip").build(), STACK)
                .bodyMeter()).isNull();
    }

    // ---- gate_error ----

    static Stream<Object[]> failingHeaders() {
        return Stream.of(
                new Object[] {"authorization", "Bearer " + TOKEN, GateName.AUTH},
                new Object[] {"origin", "http://localhost", GateName.ORIGIN},
                new Object[] {"content-length", "10", GateName.BODY});
    }

    private static FakeRequest failingOn(String header, String value) {
        return valid().withoutHeader(header).header(header, value).failingHeader(header).build();
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("failingHeaders")
    void aThrowingGateIsRefusedWith503WhenDenyingOnError(String header, String value, GateName gate) {
        Verdict verdict = guard(GateMode.ENFORCE).check(failingOn(header, value), STACK);

        Refusal refusal = verdict.refusal();
        assertThat(refusal.gate()).isEqualTo(gate);
        assertThat(refusal.reason()).isEqualTo(Reason.GATE_ERROR);
        assertThat(refusal.status()).isEqualTo(503);
        assertThat(RefusalTest.header(refusal, "WWW-Authenticate")).isNull();
        assertThat(new String(refusal.body(), StandardCharsets.US_ASCII)).isEqualTo(
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"Gate Error\","
                        + "\"data\":{\"gate\":\"" + gate.id() + "\",\"error\":\"gate_error\"}}}");
        assertThat(sink.lines()).containsExactly("blocked " + gate.id() + "/gate_error/503");
        assertThat(sink.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.where()).isEqualTo(gate.id() + " gate");
            assertThat(failure.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining(header);
        });
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("failingHeaders")
    void aThrowingGateIsSkippedWhenAllowingOnError(String header, String value, GateName gate) {
        Verdict verdict = guard().knob("MCPGUARD_ON_ERROR", "allow").build().check(failingOn(header, value), STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(sink.lines()).containsExactly("allowed");
        assertThat(sink.failures()).isNotEmpty();
        assertThat(sink.failures().get(0).where()).isEqualTo(gate.id() + " gate");
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("failingHeaders")
    void aThrowingLogOnlyGateIsLoggedAndTheWalkGoesOn(String header, String value, GateName gate) {
        Verdict verdict = guard(GateMode.LOG_ONLY).check(failingOn(header, value), STACK);

        assertThat(verdict.allowed()).isTrue();
        assertThat(sink.lines()).containsExactly("would_block " + gate.id() + "/gate_error/503", "allowed");
    }

    @Test
    void theWalkGoesOnAfterAThrowingGateWhenAllowingOnError() {
        FakeRequest request = valid().failingHeader("authorization").header("Content-Length", "2000").build();

        Verdict verdict = guard().knob("MCPGUARD_ON_ERROR", "allow").build().check(request, STACK);

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.BODY_TOO_LARGE);
        assertThat(sink.lines()).containsExactly("blocked body/body_too_large/413");
    }

    @Test
    void adapterFailedDeniesWithAGateErrorNamingTheFirstGate() {
        RuntimeException failure = new RuntimeException("boom");

        Refusal refusal = guard().build().adapterFailed("jetty", failure);

        assertThat(refusal.toString()).isEqualTo("path/gate_error/503");
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");
        assertThat(sink.failures()).singleElement().satisfies(f -> {
            assertThat(f.where()).isEqualTo("jetty adapter");
            assertThat(f.error()).isSameAs(failure);
        });
    }

    @Test
    void checkOrFailAppliesOnErrorWhenTheRequestViewItselfThrows() {
        RequestView broken = (RequestView) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RequestView.class}, (proxy, method, args) -> {
                    throw new IllegalStateException("request gone");
                });

        Verdict denied = guard().build().checkOrFail(broken, "jetty");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.refusal().toString()).isEqualTo("path/gate_error/503");
        assertThat(sink.lines()).containsExactly("blocked path/gate_error/503");

        Verdict allowed = guard().knob("MCPGUARD_ON_ERROR", "allow").build().checkOrFail(broken, "jetty");
        assertThat(allowed.allowed()).isTrue();
        assertThat(allowed.bodyMeter()).isNull();
    }

    @Test
    void adapterFailedAllowsWhenAllowingOnError() {
        assertThat(guard().knob("MCPGUARD_ON_ERROR", "allow").build().adapterFailed("netty", new RuntimeException())).isNull();
        assertThat(sink.lines()).isEmpty();
        assertThat(sink.failures()).extracting(RecordingSink.Failure::where).containsExactly("netty adapter");
    }

    @Test
    void aSinkIsRequired() {
        org.assertj.core.api.Assertions.assertThatNullPointerException()
                .isThrownBy(() -> new Guard(TestGuard.builder().settings(), null));
    }

    @Test
    void everyRowBelongsToARequestGate() {
        assertThat(rows().map(row -> row.reason().gate()).distinct().sorted())
                .containsExactlyElementsOf(REQUEST_GATES);
        // RATE and MCP refuse on what earlier requests did: RateGateTest and McpGateTest
        assertThat(rows().map(Row::reason).distinct().sorted()).containsExactlyElementsOf(Arrays.stream(Reason.values())
                .filter(reason -> reason != Reason.GATE_ERROR && REQUEST_GATES.contains(reason.gate())).toList());
    }
}
