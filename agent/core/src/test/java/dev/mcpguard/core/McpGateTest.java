package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.testing.TestGuard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpGateTest {
    private static final String STACK = "test";
    private static final long HOUR = 3_600_000_000_000L;

    @TempDir
    static Path dir;
    static Path tokenFile;

    private final RecordingSink sink = new RecordingSink();
    private final AtomicLong now = new AtomicLong(7 * HOUR);

    @BeforeAll
    static void tokens() throws IOException {
        tokenFile = Files.writeString(dir.resolve("tokens"), "alice-token name=alice\nbob-token name=bob\n");
    }

    private TestGuard guard() {
        return TestGuard.builder().sink(sink).nanoTime(now::get).knob("MCPGUARD_TOKEN_FILE", tokenFile.toString());
    }

    private static FakeRequest.Builder request(String token) {
        FakeRequest.Builder request = FakeRequest.builder().method("POST").target("/mcp").peer("127.0.0.1")
                .local("127.0.0.1").header("Host", "localhost");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private static FakeRequest session(String token, String id) {
        return request(token).header("Mcp-Session-Id", id).build();
    }

    @Test
    void theFirstPrincipalToPresentASessionOwnsIt() {
        Guard guard = guard().build();

        assertThat(guard.check(request("alice-token").build(), STACK).allowed()).as("initialize: no id yet").isTrue();
        assertThat(guard.check(session("alice-token", "s-1"), STACK).allowed()).isTrue();
        assertThat(guard.check(session("alice-token", "s-1"), STACK).allowed()).isTrue();
        Verdict stolen = guard.check(session("bob-token", "s-1"), STACK);

        assertThat(stolen.allowed()).isFalse();
        assertThat(stolen.refusal().status()).isEqualTo(403);
        assertThat(stolen.refusal().reason()).isEqualTo(Reason.SESSION_MISMATCH);
        assertThat(new String(stolen.refusal().body(), java.nio.charset.StandardCharsets.US_ASCII))
                .contains("\"code\":-32003").contains("\"gate\":\"mcp\",\"error\":\"session_mismatch\"");
        assertThat(sink.lines()).endsWith("blocked mcp/session_mismatch/403");
        assertThat(sink.details()).containsExactly("bound_to_another_principal");
        assertThat(guard.check(session("bob-token", "s-2"), STACK).allowed()).as("bob's own session").isTrue();
        assertThat(guard.check(session("alice-token", "s-1"), STACK).allowed()).as("still alice's").isTrue();
    }

    @Test
    void aRequestWithoutAPrincipalBindsNothing() {
        Guard guard = guard().mode(GateName.AUTH, GateMode.LOG_ONLY).build();

        assertThat(guard.check(session(null, "s-1"), STACK).allowed()).isTrue();
        assertThat(guard.check(session("bob-token", "s-1"), STACK).allowed()).isTrue();
        assertThat(guard.check(session("alice-token", "s-1"), STACK).allowed()).isFalse();
    }

    @Test
    void severalSessionIdsAreRefused() {
        Verdict verdict = guard().build().check(request("alice-token").header("Mcp-Session-Id", "a")
                .header("Mcp-Session-Id", "b").build(), STACK);

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.SESSION_MISMATCH);
        assertThat(sink.details()).containsExactly("several_session_ids");
    }

    @Test
    void anOverlongIdIsRefusedAndNotKept() {
        Guard guard = guard().build();

        assertThat(guard.check(session("alice-token", "x".repeat(256)), STACK).allowed()).isTrue();
        assertThat(guard.check(session("alice-token", "x".repeat(257)), STACK).allowed()).isFalse();
        assertThat(sink.details()).containsExactly("session_id_too_long");
    }

    @Test
    void logOnlyAndOffLetTheThiefThrough() {
        Guard logOnly = guard().mode(GateName.MCP, GateMode.LOG_ONLY).build();
        logOnly.check(session("alice-token", "s-1"), STACK);
        assertThat(logOnly.check(session("bob-token", "s-1"), STACK).allowed()).isTrue();
        assertThat(sink.lines()).containsExactly("allowed", "would_block mcp/session_mismatch/403", "allowed");

        Guard off = guard().knob("MCPGUARD_SESSION_BINDING", "off").build();
        off.check(session("alice-token", "s-1"), STACK);
        assertThat(off.check(session("bob-token", "s-1"), STACK).allowed()).isTrue();
    }

    @Test
    void onePrincipalCannotFillTheTableAndIdleBindingsAreForgotten() {
        SessionBindings sessions = new SessionBindings(now.get());
        for (int i = 0; i < SessionBindings.PER_PRINCIPAL; i++) {
            assertThat(sessions.bind("m-" + i, "mallory", now.get())).isNull();
        }
        assertThat(sessions.bind("m-extra", "mallory", now.get())).isEqualTo(SessionBindings.PRINCIPAL_FULL);
        assertThat(sessions.bind("a-1", "alice", now.get())).isNull();
        assertThat(sessions.bind("m-0", "mallory", now.get())).as("its own still work").isNull();

        now.addAndGet(SessionBindings.IDLE_NANOS + 1);
        assertThat(sessions.bind("m-extra", "mallory", now.get())).as("idle ones swept").isNull();
        assertThat(sessions.size()).isEqualTo(1);
        assertThat(sessions.bind("a-1", "mallory", now.get())).as("a forgotten id binds anew").isNull();
    }

    @Test
    void aJwtSubjectNamedLikeATokenFileEntryIsAnotherPrincipal() {
        Principal file = new Principal("alice", java.util.List.of(), Principal.NEVER, null);
        Principal jwtSub = Principal.ofJwt("https://as.example", "sub", "alice", java.util.List.of(), Principal.NEVER);
        Principal jwtClient = Principal.ofJwt("https://as.example", "client_id", "alice", java.util.List.of(),
                Principal.NEVER);
        Principal otherIssuer = Principal.ofJwt("https://other.example", "sub", "alice", java.util.List.of(),
                Principal.NEVER);

        assertThat(java.util.List.of(file, jwtSub, jwtClient, otherIssuer)).extracting(Principal::name).containsOnly("alice");
        assertThat(java.util.List.of(file.key(), jwtSub.key(), jwtClient.key(), otherIssuer.key())).doesNotHaveDuplicates();
        SessionBindings sessions = new SessionBindings(now.get());
        assertThat(sessions.bind("s-1", file.key(), now.get())).isNull();
        assertThat(sessions.bind("s-1", jwtSub.key(), now.get())).isEqualTo(SessionBindings.OTHER_PRINCIPAL);
    }

    @Test
    void inLogOnlyASessionRefusalStillReadsTheBody() {
        Guard guard = guard().knob("MCPGUARD_TOOL_SCOPES", "echo=").mode(GateName.MCP, GateMode.LOG_ONLY).build();
        guard.check(session("alice-token", "s-1"), STACK);

        Verdict verdict = guard.check(session("bob-token", "s-1"), STACK);
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add\"}}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertThat(verdict.bodyMeter().add(body, 0, body.length)).isEqualTo(BodyMeter.Answer.GO_ON);
        assertThat(sink.lines()).containsExactly("allowed", "would_block mcp/session_mismatch/403", "allowed",
                "would_block mcp/insufficient_scope/403");
    }

    @Test
    void aFullTableRefusesNewIdsRatherThanEvictLiveOnes() {
        SessionBindings sessions = new SessionBindings(now.get());
        for (int p = 0; sessions.size() < SessionBindings.CAPACITY; p++) {
            for (int i = 0; i < SessionBindings.PER_PRINCIPAL && sessions.size() < SessionBindings.CAPACITY; i++) {
                assertThat(sessions.bind(p + "-" + i, "p" + p, now.get())).isNull();
            }
        }
        assertThat(sessions.bind("victim-next", "alice", now.get())).isEqualTo(SessionBindings.TABLE_FULL);
        assertThat(sessions.bind("0-0", "p0", now.get())).isNull();
        assertThat(sessions.bind("0-0", "alice", now.get())).isEqualTo(SessionBindings.OTHER_PRINCIPAL);
    }
}
