package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.testing.TestGuard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP gate's reading of JSON-RPC bodies: tool scopes and the Mcp-Method / Mcp-Name headers. */
class McpBodyTest {
    private static final String STACK = "test";
    private static final String TOOLS = "echo=mcp:tools;add=mcp:admin;open=";

    @TempDir
    static Path dir;
    static Path tokenFile;

    private final RecordingSink sink = new RecordingSink();

    @BeforeAll
    static void tokens() throws IOException {
        tokenFile = Files.writeString(dir.resolve("tokens"), "alice-token name=alice scopes=mcp:tools\n"
                + "root-token name=root scopes=mcp:tools,mcp:admin\n");
    }

    private TestGuard guard(String toolScopes) {
        TestGuard guard = TestGuard.builder().sink(sink).knob("MCPGUARD_TOKEN_FILE", tokenFile.toString());
        return toolScopes == null ? guard : guard.knob("MCPGUARD_TOOL_SCOPES", toolScopes);
    }

    private static FakeRequest.Builder post(String token) {
        return FakeRequest.builder().method("POST").target("/mcp").peer("127.0.0.1").local("127.0.0.1")
                .header("Host", "localhost").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
    }

    private static String call(String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"name\":\"add\",\"method\":\"tools/call\"}}}";
    }

    /** Feeds the body in {@code chunk}-byte reads, alternating arrays and direct buffers; the answers, joined. */
    private static String read(Verdict verdict, String body, int chunk) {
        BodyMeter meter = verdict.bodyMeter();
        if (meter == null) {
            return "unread";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder answers = new StringBuilder();
        for (int at = 0, i = 0; at < bytes.length; at += chunk, i++) {
            int n = Math.min(chunk, bytes.length - at);
            BodyMeter.Answer answer;
            if (i % 2 == 0) {
                answer = meter.add(bytes, at, n);
            } else {
                ByteBuffer direct = ByteBuffer.allocateDirect(n + 4);
                direct.position(2);
                direct.put(bytes, at, n);
                answer = meter.add(direct, 2, 2 + n);
            }
            if (answer != BodyMeter.Answer.GO_ON || at + n == bytes.length) {
                answers.append(answer);
                if (answer != BodyMeter.Answer.GO_ON) {
                    answers.append(" at ").append(at + n);
                    break;
                }
            }
        }
        return answers.toString();
    }

    @Test
    void aToolTheTokensScopesCoverIsCalled() {
        Verdict verdict = guard(TOOLS).build().check(post("alice-token").build(), STACK);

        assertThat(read(verdict, call("echo"), 7)).isEqualTo("GO_ON");
        assertThat(read(guard(TOOLS).build().check(post("alice-token").build(), STACK), call("open"), 1000))
                .isEqualTo("GO_ON");
        assertThat(sink.lines()).containsOnly("allowed");
    }

    @Test
    void aForbiddenToolIsCutBeforeTheReadThatCompletesItsMessage() {
        Guard guard = guard(TOOLS).build();
        String body = call("add");
        for (int chunk : new int[] {1, 3, 16, body.length() - 1, body.length()}) {
            sink.clear();
            Verdict verdict = guard.check(post("alice-token").build(), STACK);

            assertThat(read(verdict, body, chunk)).as("chunk %s", chunk).isEqualTo("REFUSE at " + body.length());
            Refusal refusal = verdict.bodyMeter().refusal();
            assertThat(refusal.status()).isEqualTo(403);
            assertThat(refusal.toString()).isEqualTo("mcp/insufficient_scope/403");
            assertThat(header(refusal, "WWW-Authenticate")).isEqualTo(
                    "Bearer realm=\"mcp\", error=\"insufficient_scope\", scope=\"mcp:admin\"");
            assertThat(verdict.bodyMeter().exceeded()).hasMessageContaining("MCP gate: insufficient_scope");
            assertThat(verdict.bodyMeter().add(new byte[1], 0, 1)).isEqualTo(BodyMeter.Answer.CUT);
            assertThat(sink.lines()).containsExactly("allowed", "blocked mcp/insufficient_scope/403");
            assertThat(sink.details()).containsExactly("tool=add");
        }
        assertThat(read(guard.check(post("root-token").build(), STACK), body, 5)).isEqualTo("GO_ON");
    }

    @Test
    void withoutAStarAnUnlistedToolIsRefusedAndWithOneItNeedsTheStarsScopes() {
        Verdict undeclared = guard(TOOLS).build().check(post("root-token").build(), STACK);
        assertThat(read(undeclared, call("deploy"), 64)).startsWith("REFUSE");
        assertThat(header(undeclared.bodyMeter().refusal(), "WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"mcp\", error=\"insufficient_scope\"");

        Guard star = guard(TOOLS + ";*=mcp:admin").build();
        assertThat(read(star.check(post("alice-token").build(), STACK), call("deploy"), 64)).startsWith("REFUSE");
        assertThat(read(star.check(post("root-token").build(), STACK), call("deploy"), 64)).isEqualTo("GO_ON");
    }

    @Test
    void aBatchIsJudgedMessageByMessage() {
        String batch = "[" + call("echo") + ",{\"method\":\"tools/list\",\"jsonrpc\":\"2.0\",\"id\":2}," + call("add") + "]";
        Verdict verdict = guard(TOOLS).build().check(post("alice-token").build(), STACK);

        assertThat(read(verdict, batch, 10)).startsWith("REFUSE");
        assertThat(sink.details()).containsExactly("tool=add");
    }

    @Test
    void escapesAndKeyOrderDoNotHideTheTool() {
        String body = "{\"params\":{\"arguments\":{},\"n\\u0061me\":\"\\u0061dd\"},\"id\":3,\"method\":\"tools\\/call\",\"jsonrpc\":\"2.0\"}";
        Verdict verdict = guard(TOOLS).build().check(post("alice-token").build(), STACK);

        assertThat(read(verdict, body, 2)).isEqualTo("REFUSE at " + body.length());
    }

    @Test
    void aHeaderNamingAForbiddenToolIsRefusedBeforeTheBody() {
        Verdict verdict = guard(TOOLS).build().check(post("alice-token").header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "add").build(), STACK);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.refusal().toString()).isEqualTo("mcp/insufficient_scope/403");
        assertThat(sink.details()).containsExactly("tool=add");
    }

    @Test
    void headersTheBodyContradictsAreAHeaderMismatch() {
        Guard guard = guard(null).build();
        Verdict name = guard.check(post("alice-token").header("Mcp-Method", "tools/call").header("Mcp-Name", "echo")
                .build(), STACK);
        assertThat(read(name, call("add"), 9)).startsWith("REFUSE");
        Refusal refusal = name.bodyMeter().refusal();
        assertThat(refusal.toString()).isEqualTo("mcp/header_mismatch/400");
        assertThat(new String(refusal.body(), StandardCharsets.US_ASCII)).contains("\"code\":-32020");

        Verdict method = guard.check(post("alice-token").header("Mcp-Method", "tools/list").build(), STACK);
        assertThat(read(method, call("echo"), 9)).startsWith("REFUSE");
        Verdict agreeing = guard.check(post("alice-token").header("Mcp-Method", "tools/call").header("Mcp-Name", "add")
                .build(), STACK);
        assertThat(read(agreeing, call("add"), 9)).isEqualTo("GO_ON");
        Verdict batch = guard.check(post("alice-token").header("Mcp-Method", "tools/call").header("Mcp-Name", "echo")
                .build(), STACK);
        assertThat(read(batch, "[" + call("echo") + "," + call("echo") + "]", 9)).startsWith("REFUSE");
        assertThat(sink.details()).containsExactly("mcp_name", "mcp_method", "batch_with_mcp_headers");

        assertThat(guard.check(post("alice-token").header("Mcp-Name", "a").header("Mcp-Name", "b").build(), STACK)
                .refusal().toString()).isEqualTo("mcp/header_mismatch/400");
    }

    @Test
    void aBodyServersCouldReadTwoWaysOrAnEncodedOneIsAmbiguous() {
        Verdict duplicate = guard(TOOLS).build().check(post("alice-token").build(), STACK);
        assertThat(read(duplicate, "{\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"name\":\"add\"}}", 4))
                .startsWith("REFUSE");
        assertThat(duplicate.bodyMeter().refusal().toString()).isEqualTo("mcp/ambiguous_body/400");

        Verdict encoded = guard(TOOLS).build().check(post("alice-token").header("Content-Encoding", "gzip").build(),
                STACK);
        assertThat(encoded.refusal().toString()).isEqualTo("mcp/ambiguous_body/400");
        assertThat(sink.details()).containsExactly("malformed_json", "content_encoding");
    }

    @Test
    void aBodyThatIsNotJsonIsLeftAloneUnlessItsTypeSaysJson() {
        String binary = "binary \u0000 upload with \"method\":\"tools/call\"";
        Verdict upload = guard(TOOLS).build().check(post("alice-token").withoutHeader("Content-Type")
                .header("Content-Type", "application/octet-stream").build(), STACK);
        assertThat(read(upload, binary, 3)).isEqualTo("GO_ON");

        for (String type : new String[] {null, "application/json", "Application/JSON; charset=UTF-8",
                "application/vnd.api+json"}) {
            FakeRequest.Builder request = post("alice-token").withoutHeader("Content-Type");
            Verdict json = guard(TOOLS).build().check((type == null ? request : request.header("Content-Type", type))
                    .build(), STACK);
            assertThat(read(json, ")]}'\n" + call("add"), 3)).as(type).startsWith("REFUSE");
            assertThat(json.bodyMeter().refusal().toString()).isEqualTo("mcp/ambiguous_body/400");
        }
        assertThat(sink.details()).containsOnly("not_json");
    }

    @Test
    void aCharsetOtherThanUtf8IsRefusedBeforeTheBody() {
        for (String type : new String[] {"application/json; charset=IBM037", "application/json;charset=\"utf-16\"",
                "text/plain; format=x; charset=latin1"}) {
            Verdict verdict = guard(TOOLS).build().check(post("alice-token").withoutHeader("Content-Type")
                    .header("Content-Type", type).build(), STACK);
            assertThat(verdict.allowed()).as(type).isFalse();
            assertThat(verdict.refusal().toString()).isEqualTo("mcp/ambiguous_body/400");
        }
        Verdict two = guard(TOOLS).build().check(post("alice-token").header("Content-Type", "application/json")
                .build(), STACK);
        assertThat(two.allowed()).as("two Content-Type fields").isFalse();
        for (String type : new String[] {"application/json; charset=utf-8", "application/json; charset=\"UTF8\"",
                "application/json; charset=us-ascii"}) {
            assertThat(guard(TOOLS).build().check(post("alice-token").withoutHeader("Content-Type")
                    .header("Content-Type", type).build(), STACK).allowed()).as(type).isTrue();
        }
        assertThat(sink.details()).containsOnly("content_type");
    }

    @Test
    void aNonAsciiToolOrMethodNameIsAmbiguous() {
        Verdict verdict = guard(TOOLS).build().check(post("alice-token").build(), STACK);

        assertThat(read(verdict, call("\u00e9cho"), 4)).startsWith("REFUSE");
        assertThat(verdict.bodyMeter().refusal().toString()).isEqualTo("mcp/ambiguous_body/400");
        assertThat(sink.details()).containsExactly("non_ascii_name");
    }

    @Test
    void anIdentityEncodingIsNoEncoding() {
        Verdict verdict = guard(TOOLS).build().check(post("alice-token").header("Content-Encoding", " Identity ")
                .build(), STACK);

        assertThat(read(verdict, call("echo"), 4)).isEqualTo("GO_ON");
    }

    @Test
    void logOnlyLogsTheRefusalOnceAndReadsOn() {
        Verdict verdict = guard(TOOLS).mode(GateName.MCP, GateMode.LOG_ONLY).build()
                .check(post("alice-token").build(), STACK);

        assertThat(read(verdict, "[" + call("add") + "," + call("add") + "]", 5)).isEqualTo("GO_ON");
        assertThat(sink.lines()).containsExactly("allowed", "would_block mcp/insufficient_scope/403");
    }

    @Test
    void inLogOnlyAToolRefusedByItsHeaderIsNotRefusedAgainButAnotherIs() {
        Guard guard = guard(TOOLS + ";deploy=mcp:admin").mode(GateName.MCP, GateMode.LOG_ONLY).build();
        Verdict same = guard.check(post("alice-token").header("Mcp-Method", "tools/call").header("Mcp-Name", "add")
                .build(), STACK);
        assertThat(read(same, call("add"), 9)).isEqualTo("GO_ON");
        assertThat(sink.lines()).containsExactly("would_block mcp/insufficient_scope/403", "allowed");

        sink.clear();
        Verdict other = guard.check(post("alice-token").header("Mcp-Method", "tools/call").header("Mcp-Name", "add")
                .build(), STACK);
        assertThat(read(other, call("deploy"), 9)).isEqualTo("GO_ON");
        assertThat(sink.lines()).containsExactly("would_block mcp/insufficient_scope/403", "allowed",
                "would_block mcp/header_mismatch/400");
    }

    @Test
    void withNothingToCheckTheBodyIsNotRead() {
        assertThat(read(guard(null).build().check(post("alice-token").header("Content-Length", "10").build(), STACK),
                call("add"), 5)).isEqualTo("unread");
        assertThat(read(guard(TOOLS).mode(GateName.MCP, GateMode.OFF).build()
                .check(post("alice-token").header("Content-Length", "10").build(), STACK), call("add"), 5))
                .isEqualTo("unread");
    }

    private static String header(Refusal refusal, String name) {
        for (int i = 0; i < refusal.headerCount(true); i++) {
            if (refusal.headerName(i).equals(name)) {
                return refusal.headerValue(i);
            }
        }
        return null;
    }
}
