package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {

    @ParameterizedTest(name = "{0} -> path {1}, authority {2}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "/mcp?x=1                        | /mcp?x=1        | null",
        "/a#/inspector                   | /a              | null",
        "*                               | *               | null",
        "example.com:443                 | example.com:443 | null",
        "http://h:1/mcp?x                | /mcp?x          | h:1",
        "http://h:1inspector             | /               | h:1inspector",
        "http://x#/inspector             | /               | x",
        "http://x?/inspector             | /               | x",
        "https://user@h/p#f              | /p              | user@h",
        "http:///p                       | /p              | ''",
        "//h/p                           | //h/p           | null",
    })
    void splitsTargetsAsNettyBasedRoutersRead(String target, String path, String authority) {
        assertThat(RequestTarget.path(target)).isEqualTo(path);
        assertThat(RequestTarget.authority(target)).isEqualTo(authority);
    }
}
