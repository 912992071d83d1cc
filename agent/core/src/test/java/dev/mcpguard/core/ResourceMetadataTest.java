package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.testing.TestGuard;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The RFC 9728 document the agent answers itself, and only at its exact URLs. */
class ResourceMetadataTest {
    private final RecordingSink sink = new RecordingSink();

    private Verdict check(String method, String target, GateMode mode) {
        return TestGuard.builder().sink(sink).knob("MCPGUARD_TOKEN", "t")
                .knob("MCPGUARD_RESOURCE", "https://mcp.example.com/mcp")
                .knob("MCPGUARD_AUTHORIZATION_SERVERS", "https://as.example.com")
                .knob("MCPGUARD_SCOPES_SUPPORTED", "mcp:read,mcp:tools").mode(GateName.AUTH, mode).build()
                .check(FakeRequest.builder().method(method).target(target).peer("127.0.0.1").build(), "test");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /.well-known/oauth-protected-resource",
        "GET, /.well-known/oauth-protected-resource/mcp",
        "HEAD, /.well-known/oauth-protected-resource/mcp",
        "GET, /.well-known/oauth-protected-resource/mcp?x=1",
    })
    void isAnsweredByTheAgentWithoutAToken(String method, String target) {
        Verdict verdict = check(method, target, GateMode.ENFORCE);

        assertThat(verdict.allowed()).as("answered, not passed on").isFalse();
        assertThat(verdict.refusal().status()).isEqualTo(200);
        assertThat(new String(verdict.refusal().body(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"resource\":\"https://mcp.example.com/mcp\",\"authorization_servers\":[\"https://as.example.com\"],"
                        + "\"scopes_supported\":[\"mcp:read\",\"mcp:tools\"],\"bearer_methods_supported\":[\"header\"]}");
        assertThat(sink.lines()).containsExactly("allowed");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "POST, /.well-known/oauth-protected-resource/mcp",
        "GET, /.well-known/oauth-protected-resource/mcp/",
        "GET, /.well-known/oauth-protected-resource/MCP",
        "GET, //.well-known/oauth-protected-resource/mcp",
        "GET, /.well-known/oauth-protected-resource/mcp;x",
        "GET, /.well-known/oauth-protected-resource/other",
    })
    void isNotAnsweredAtAnyOtherReading(String method, String target) {
        Verdict verdict = check(method, target, GateMode.ENFORCE);

        assertThat(verdict.refusal() == null || verdict.refusal().status() != 200).as("not the document").isTrue();
    }

    @Test
    void isAnsweredInLogOnlyModeToo() {
        assertThat(check("GET", "/.well-known/oauth-protected-resource/mcp", GateMode.LOG_ONLY).refusal().status())
                .isEqualTo(200);
    }

    @Test
    void challengesPointAtIt() {
        Verdict verdict = check("POST", "/mcp", GateMode.ENFORCE);

        assertThat(verdict.refusal().reason()).isEqualTo(Reason.MISSING_TOKEN);
        assertThat(verdict.refusal().headerValue(3)).isEqualTo("Bearer realm=\"mcp\", resource_metadata="
                + "\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
    }
}
