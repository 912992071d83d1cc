package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The refusal responses of design §5 and the challenges of §4, byte for byte. */
class RefusalTest {
    private static final String METADATA = "https://mcp.example/.well-known/oauth-protected-resource";

    private static String body(Refusal refusal) {
        return new String(refusal.body(), StandardCharsets.US_ASCII);
    }

    /** The value of header {@code name} in an HTTP/1 refusal, {@code null} when it has none. */
    static String header(Refusal refusal, String name) {
        for (int i = 0; i < refusal.headerCount(true); i++) {
            if (refusal.headerName(i).equals(name)) {
                return refusal.headerValue(i);
            }
        }
        return null;
    }

    private static List<String> headers(Refusal refusal, boolean http1) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < refusal.headerCount(http1); i++) {
            lines.add(refusal.headerName(i) + ": " + refusal.headerValue(i));
        }
        return lines;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            BAD_PATH           | path     | 400 | {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Bad Request","data":{"gate":"path","error":"bad_path"}}}
            LOOPBACK_ONLY      | loopback | 403 | {"jsonrpc":"2.0","id":null,"error":{"code":-32003,"message":"Forbidden","data":{"gate":"loopback","error":"loopback_only"}}}
            ORIGIN_NOT_ALLOWED | origin   | 403 | {"jsonrpc":"2.0","id":null,"error":{"code":-32003,"message":"Forbidden","data":{"gate":"origin","error":"origin_not_allowed"}}}
            HOST_NOT_ALLOWED   | origin   | 421 | {"jsonrpc":"2.0","id":null,"error":{"code":-32011,"message":"Misdirected Request","data":{"gate":"origin","error":"host_not_allowed"}}}
            MISSING_TOKEN      | auth     | 401 | {"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Unauthorized","data":{"gate":"auth","error":"missing_token"}}}
            INVALID_TOKEN      | auth     | 401 | {"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Unauthorized","data":{"gate":"auth","error":"invalid_token"}}}
            INVALID_REQUEST    | auth     | 401 | {"jsonrpc":"2.0","id":null,"error":{"code":-32001,"message":"Unauthorized","data":{"gate":"auth","error":"invalid_request"}}}
            BODY_TOO_LARGE     | body     | 413 | {"jsonrpc":"2.0","id":null,"error":{"code":-32013,"message":"Payload Too Large","data":{"gate":"body","error":"body_too_large"}}}
            BAD_CONTENT_LENGTH | body     | 400 | {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Bad Request","data":{"gate":"body","error":"bad_content_length"}}}
            """)
    void everyRefusalHasItsStatusAndBody(Reason reason, String gate, int status, String expectedBody) {
        Refusal refusal = new Refusals("mcp", null, new String[0]).of(reason);

        assertThat(refusal.reason()).isEqualTo(reason);
        assertThat(refusal.gate().id()).isEqualTo(gate);
        assertThat(refusal.status()).isEqualTo(status);
        assertThat(body(refusal)).isEqualTo(expectedBody);
    }

    @ParameterizedTest
    @EnumSource(GateName.class)
    void aGateErrorNamesTheGateThatFailed(GateName gate) {
        Refusal refusal = new Refusals("mcp", null, new String[0]).gateError(gate);

        assertThat(refusal.status()).isEqualTo(503);
        assertThat(header(refusal, "WWW-Authenticate")).isNull();
        assertThat(body(refusal)).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,"
                + "\"message\":\"Gate Error\",\"data\":{\"gate\":\"" + gate.id() + "\",\"error\":\"gate_error\"}}}");
    }

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            mcp  |                                                         | MISSING_TOKEN   | Bearer realm="mcp"
            mcp  |                                                         | INVALID_TOKEN   | Bearer realm="mcp", error="invalid_token"
            mcp  |                                                         | INVALID_REQUEST | Bearer realm="mcp", error="invalid_request"
            corp | https://mcp.example/.well-known/oauth-protected-resource | MISSING_TOKEN   | Bearer realm="corp", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource"
            corp | https://mcp.example/.well-known/oauth-protected-resource | INVALID_TOKEN   | Bearer realm="corp", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource", error="invalid_token"
            corp | https://mcp.example/.well-known/oauth-protected-resource | INVALID_REQUEST | Bearer realm="corp", resource_metadata="https://mcp.example/.well-known/oauth-protected-resource", error="invalid_request"
            """)
    void everyUnauthorizedCarriesItsChallenge(String realm, String metadata, Reason reason, String expected) {
        assertThat(header(new Refusals(realm, metadata, new String[0]).of(reason), "WWW-Authenticate")).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(value = Reason.class, names = {"MISSING_TOKEN", "INVALID_TOKEN", "INVALID_REQUEST", "INSUFFICIENT_SCOPE", "GATE_ERROR"},
            mode = EnumSource.Mode.EXCLUDE)
    void onlyUnauthorizedCarriesAChallenge(Reason reason) {
        assertThat(header(new Refusals("mcp", METADATA, new String[0]).of(reason), "WWW-Authenticate")).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = Reason.class, names = "GATE_ERROR", mode = EnumSource.Mode.EXCLUDE)
    void theBodyIsOneLineOfAscii(Reason reason) {
        String body = body(new Refusals("mcp", METADATA, new String[0]).of(reason));

        assertThat(body).doesNotContain("\n", "\r").startsWith("{").endsWith("}");
        assertThat(body.getBytes(StandardCharsets.US_ASCII)).isEqualTo(new Refusals("mcp", null, new String[0]).of(reason).body());
    }

    @Test
    void insufficientScopeNamesTheScopesNeeded() {
        Refusal refusal = new Refusals("mcp", METADATA, new String[] {"mcp:read", "mcp:tools"}).of(Reason.INSUFFICIENT_SCOPE);

        assertThat(refusal.status()).isEqualTo(403);
        assertThat(header(refusal, "WWW-Authenticate")).isEqualTo("Bearer realm=\"mcp\", resource_metadata=\"" + METADATA
                + "\", error=\"insufficient_scope\", scope=\"mcp:read mcp:tools\"");
        assertThat(body(refusal)).contains("\"code\":-32003", "\"message\":\"Forbidden\"", "\"gate\":\"auth\"",
                "\"error\":\"insufficient_scope\"");
    }

    @Test
    void anHttp1RefusalClosesTheConnection() {
        Refusal refusal = new Refusals("mcp", null, new String[0]).of(Reason.BODY_TOO_LARGE);

        assertThat(headers(refusal, true)).containsExactly("Content-Type: application/json",
                "Cache-Control: no-store", "Content-Length: " + refusal.body().length, "Connection: close");
    }

    @Test
    void anHttp2RefusalHasNoConnectionHeader() {
        Refusal refusal = new Refusals("mcp", null, new String[0]).of(Reason.INVALID_TOKEN);

        assertThat(headers(refusal, false)).containsExactly("Content-Type: application/json",
                "Cache-Control: no-store", "Content-Length: " + refusal.body().length,
                "WWW-Authenticate: Bearer realm=\"mcp\", error=\"invalid_token\"");
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void lowerCaseNamesSpellTheSameHeaders(Reason reason) {
        Refusals refusals = new Refusals("mcp", METADATA, new String[0]);
        Refusal refusal = reason == Reason.GATE_ERROR ? refusals.gateError(GateName.AUTH) : refusals.of(reason);

        for (int i = 0; i < refusal.headerCount(true); i++) {
            assertThat(refusal.lowerCaseHeaderName(i)).isEqualTo(refusal.headerName(i).toLowerCase(Locale.ROOT))
                    .matches("[a-z-]+");
        }
    }

    @Test
    void gateIdsAreLowerCase() {
        assertThat(GateName.values()).extracting(GateName::id)
                .containsExactly("path", "loopback", "origin", "auth", "rate", "mcp", "body", "bind", "egress");
        assertThat(Action.values()).extracting(Action::id).containsExactly("blocked", "would_block", "allowed");
    }

    @ParameterizedTest
    @CsvSource({"enforce, ENFORCE", "log-only, LOG_ONLY", "off, OFF", "LOG-ONLY, LOG_ONLY", "' Off ', OFF",
            "block, ", "log_only, ", "'', "})
    void gateModesParseTheirKnobSpelling(String value, GateMode expected) {
        assertThat(GateMode.fromKnobValue(value)).isEqualTo(expected);
    }
}
