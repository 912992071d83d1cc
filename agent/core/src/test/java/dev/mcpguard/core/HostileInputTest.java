package dev.mcpguard.core;

import dev.mcpguard.testing.TestGuard;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Megabyte-sized and many-thousand-field hostile values through {@link Guard}: each is judged
 * (allowed or refused for what it is), never a {@code gate_error}. The sizes are what a server
 * that accepts large heads lets through; a scan that is not linear would not finish here.
 */
class HostileInputTest {
    private static final String TOKEN = "good-token";
    private static final int MIB = 1 << 20;
    private static final int MANY = 200_000;

    private final RecordingSink sink = new RecordingSink();

    private Guard guard() {
        return TestGuard.builder()
                .sink(sink)
                .knob("MCPGUARD_MAX_BODY_BYTES", "1024")
                .knob("MCPGUARD_TOKEN", TOKEN)
                .knob("MCPGUARD_ENV", "dev")
                .knob("MCPGUARD_LOOPBACK_PATHS", "/inspector")
                .build();
    }

    private Reason check(UnaryOperator<FakeRequest.Builder> change) {
        FakeRequest.Builder request = FakeRequest.builder()
                .method("POST")
                .target("/mcp")
                .peer("127.0.0.1")
                .local("127.0.0.1")
                .header("Host", "localhost:8080")
                .header("Authorization", "Bearer " + TOKEN);
        Verdict verdict = guard().check(change.apply(request).build(), "test-stack");
        assertThat(sink.failures()).isEmpty();
        return verdict.allowed() ? null : verdict.refusal().reason();
    }

    private static UnaryOperator<FakeRequest.Builder> repeated(String name, String value, String last) {
        return r -> {
            r.withoutHeader(name);
            for (int i = 0; i < MANY; i++) {
                r.header(name, value);
            }
            return last == null ? r : r.header(name, last);
        };
    }

    @Test
    void hugePathsAreJudged() {
        assertThat(check(r -> r.target("/./".repeat(MIB / 3)))).isEqualTo(Reason.BAD_PATH);
        assertThat(check(r -> r.target("/" + "%2e".repeat(MIB / 3)))).isEqualTo(Reason.BAD_PATH);
        assertThat(check(r -> r.target("/mcp/" + "%2e/".repeat(MIB / 4)))).isEqualTo(Reason.BAD_PATH);
        assertThat(check(r -> r.target("/mcp" + ";a".repeat(MIB / 2)))).isNull();
        assertThat(check(r -> r.target("/mcp" + "/;a".repeat(MIB / 3)))).isNull();
        assertThat(check(r -> r.target("/inspector" + "/é".repeat(MIB / 2)).peer("10.0.0.1")))
                .isEqualTo(Reason.LOOPBACK_ONLY);
    }

    @Test
    void hugeQueriesAreJudged() {
        assertThat(check(r -> r.target("/mcp?" + "&".repeat(MIB)))).isNull();
        assertThat(check(r -> r.target("/mcp?" + "access_toke&".repeat(MIB / 12)))).isNull();
        assertThat(check(r -> r.target("/mcp?" + "%61ccess_tokenx=&".repeat(MIB / 17) + "access_token")))
                .isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void hugeOrRangedHostLiteralsAreRefusals() {
        for (String host : List.of("[::1/6499999255]", "[::1-ffff]", "[::1/64]:80", "[" + ":".repeat(MIB),
                "[" + ":".repeat(MIB) + "]", "[" + "1".repeat(MIB) + "]:80", "localhost" + ":".repeat(MIB))) {
            assertThat(check(r -> r.withoutHeader("Host").header("Host", host))).as(host.substring(0, Math.min(16, host.length())))
                    .isEqualTo(Reason.HOST_NOT_ALLOWED);
            assertThat(check(r -> r.header("Origin", "http://" + host))).as(host.substring(0, Math.min(16, host.length())))
                    .isEqualTo(Reason.ORIGIN_NOT_ALLOWED);
            assertThat(check(r -> r.authority(host))).as(host.substring(0, Math.min(16, host.length()))).isEqualTo(Reason.HOST_NOT_ALLOWED);
        }
        assertThat(check(r -> r.header("Origin", "http://" + "a".repeat(MIB)))).isEqualTo(Reason.ORIGIN_NOT_ALLOWED);
        assertThat(check(r -> r.header("Origin", ":".repeat(MIB) + "//"))).isEqualTo(Reason.ORIGIN_NOT_ALLOWED);
    }

    @Test
    void hugeCredentialsAreRefused() {
        assertThat(check(r -> r.withoutHeader("Authorization").header("Authorization", "Bearer " + "a".repeat(MIB))))
                .isEqualTo(Reason.INVALID_TOKEN);
        assertThat(check(r -> r.withoutHeader("Authorization").header("Authorization", "Bearer " + " ".repeat(MIB) + "x")))
                .isEqualTo(Reason.INVALID_TOKEN);
        assertThat(check(r -> r.withoutHeader("Authorization").header("Authorization", "Bearer " + "=".repeat(MIB))))
                .isEqualTo(Reason.INVALID_TOKEN);
        assertThat(check(r -> r.withoutHeader("Authorization").header("Authorization", ",".repeat(MIB))))
                .isEqualTo(Reason.INVALID_REQUEST);
    }

    @Test
    void hugeContentLengthsAreJudged() {
        assertThat(check(r -> r.header("Content-Length", "9".repeat(MIB)))).isEqualTo(Reason.BAD_CONTENT_LENGTH);
        assertThat(check(r -> r.header("Content-Length", "0".repeat(MIB)))).isNull();
        assertThat(check(r -> r.header("Content-Length", "0".repeat(MIB) + "2000"))).isEqualTo(Reason.BODY_TOO_LARGE);
    }

    @Test
    void hundredsOfThousandsOfRepeatedFieldsAreJudgedInOnePass() {
        assertThat(check(repeated("Host", "localhost", null))).isNull();
        assertThat(check(repeated("Host", "localhost", "evil.example"))).isEqualTo(Reason.HOST_NOT_ALLOWED);
        assertThat(check(repeated("Origin", "http://localhost", null))).isNull();
        assertThat(check(repeated("Origin", "http://localhost", "http://evil.example"))).isEqualTo(Reason.ORIGIN_NOT_ALLOWED);
        assertThat(check(repeated("Content-Length", "5", null))).isNull();
        assertThat(check(repeated("Content-Length", "5", "6"))).isEqualTo(Reason.BAD_CONTENT_LENGTH);
        assertThat(check(repeated("X-Padding", "x", null))).isNull();
        assertThat(check(repeated("Authorization", "Bearer " + TOKEN, null))).isEqualTo(Reason.INVALID_REQUEST);
    }
}
