package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Absolute-form targets map to one path or are handed on whole, for the PATH gate to refuse. */
class RequestTargetTest {

    @ParameterizedTest(name = "{0} -> path {1}, authority {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "/mcp?x=1                        | /mcp?x=1                  | null",
        "/a#/inspector                   | /a#/inspector             | null",
        "*                               | *                         | null",
        "example.com:443                 | example.com:443           | null",
        "http://h:1/mcp?x                | /mcp?x                    | h:1",
        "HTTPS://h/mcp                   | /mcp                      | h",
        "http://[::1]:8080/mcp           | /mcp                      | [::1]:8080",
        "http://h:/mcp                   | /mcp                      | h:",
        "http://h/a#/../inspector        | /a#/../inspector          | h",
        "http://h:1inspector             | http://h:1inspector       | h:1inspector",
        "http://h:123456/x               | http://h:123456/x         | h:123456",
        "http://x#/inspector             | http://x#/inspector       | x",
        "http://x?/inspector             | http://x?/inspector       | x",
        "http://x                        | http://x                  | x",
        "https://user@h/p#f              | https://user@h/p#f        | user@h",
        "http:///p                       | http:///p                 | ''",
        "http://[::1/64]/p               | http://[::1/64]/p         | [::1",
        "http://h%2f/p                   | http://h%2f/p             | h%2f",
        "ftp://h/p                       | ftp://h/p                 | null",
        "//h/p                           | //h/p                     | null",
    })
    void readsOnlyPlainAbsoluteForms(String target, String path, String authority) {
        assertThat(RequestTarget.path(target)).isEqualTo(path);
        assertThat(RequestTarget.authority(target)).isEqualTo(authority);
    }

    @Test
    void aMegabyteBracketedAuthorityIsNoLiteral() {
        String target = "http://[" + "1:".repeat(1 << 19) + "1]/mcp";

        assertThat(RequestTarget.path(target)).isSameAs(target);
        assertThat(RequestTarget.authority(target)).hasSize(target.length() - "http:///mcp".length());
    }
}
