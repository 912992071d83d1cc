package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Design §4 "Path normalization", against the usual bypass attempts. */
class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            /                         | /
            /a/...                    | /a/...
            /a/.b/..c                 | /a/.b/..c
            //a///b/                  | /a/b
            /a/                       | /a
            ///                       | /
            /caf%C3%A9                | /café
            /caf%c3%a9                | /café
            /café                     | /café
            /%E2%82%AC/%F0%9F%98%80   | /€/😀
            /%41%62c                  | /Abc
            /a%20b                    | /a b
            /a b                      | /a b
            /a%25                     | /a%
            /a;x/b                    | /a/b
            /a;x=1;y=2/b;z            | /a/b
            /a/;x/b                   | /a/b
            /inspector;jsessionid=1   | /inspector
            /inspector;jsessionid=1/  | /inspector
            /a?b=../..                | /a
            /a/?x=%2e%2e              | /a
            /a?x#/../b                | /a
            /a%23b                    | /a#b
            /a%3Fb                    | /a?b
            /MCP/Tools                | /MCP/Tools
            *                         | *
            *?x                       | *
            /.well-known/x            | /.well-known/x
            """)
    void normalizes(String raw, String expected) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        // not an absolute path
        "a/b", "mcp", "./a", "?x", "**", "*/a", "http://host/a",
        // dot segments anywhere, parameters included: routers disagree on what they mean (2026-12)
        "/..", "/../a", "/a/../..", "/a/b/../../..", "/..;x/", "/..;x", "/a/..;/..;/b", "/.", "/a/.", "/a/./b",
        "/a/../b", "/a/b/..", "/a/b/../..", "/a/..;x/b", "/a/.;x/b", "/a/./?x", "/A/./B", "/a/..", "/a/../",
        "/mcp/../.well-known/oauth-protected-resource", "//../mcp", "/health/..;/mcp", "/a/.;/b",
        // an encoded ';' is data to every server but a parameter to a decoding reader (2026-12)
        "/a%3Bb", "/a%3bb", "/mcp/..%3B/.well-known/oauth-protected-resource", "/a/%3B", "/a;x%3By/b",
        // a raw '#': a fragment to some servers, data to others (2026-12)
        "/a#b", "/#", "/inspector#/../mcp", "/.well-known/oauth-protected-resource#/../../mcp", "/a#?b",
        // encoded dot, slash, backslash, in either case
        "/%2e", "/%2E", "/%2E%2e/", "/a/%2e%2e/b", "/a/.%2e/b", "/a/%2e/b", "/a%2fb", "/a%2Fb", "/%2f", "/a%5cb", "/a%5Cb",
        // encoded control characters
        "/a%00", "/a%00b", "/a%0d%0a", "/a%0D%0AX-Injected:%201", "/a%09", "/a%1f", "/a%1F", "/a%7f", "/a%7F",
        // malformed escapes
        "/a%zz", "/a%4", "/a%", "/%", "/a%%41", "/a%g0", "/a%0g", "/a%-1", "/a%+1",
        // hex digits are ASCII only: not Arabic-Indic or fullwidth digits and letters
        "/a%\u0664\u0661", "/a%\uff14\uff11", "/a%4\uff21",
        // invalid UTF-8: overlong, truncated, surrogates, stray bytes
        "/%c0%ae", "/%C0%AE%C0%AE/x", "/%c0%af", "/%e0%80%ae", "/%f0%80%80%ae", "/%c1%9c", "/%c3", "/%c3x",
        "/%e2%82", "/%ed%a0%80", "/%ff", "/%fe", "/%80", "/%f8%88%80%80%80",
        // the replacement character itself (an adapter's mark for undecodable bytes)
        "/a\ufffd", "/a%ef%bf%bd",
        // raw backslash and control characters
        "/a\\b", "/a\\..\\b", "\\a", "/a\u0000b", "/a\rb", "/a\nb", "/a\r\nb", "/a\tb", "/a\u001fb", "/a\u007fb",
        // lone surrogates in already-decoded text
        "/a\ud800b", "/a\udc00", "/a\ud800",
    })
    void refuses(String raw) {
        assertThat(PathNormalizer.normalize(raw)).isNull();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesNothing(String raw) {
        assertThat(PathNormalizer.normalize(raw)).isNull();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"/", "/mcp", "/a/b", "/a/b.json", "/A/B", "/a:b@c/d-e_f~g!$&'()*+,=", "/a/b.", "/a..b"})
    void alreadyNormalPathsComeBackAsTheSameInstance(String raw) {
        assertThat(PathNormalizer.normalize(raw)).isSameAs(raw);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"/", "/mcp", "/a/b", "/.well-known/oauth-protected-resource", "/.a/..b/...", "/a?x",
        "/a?b=/../..", "/a?#", "/a:b@c/d-e_f~g!$&'()*+,="})
    void normalPathsAreRecognized(String raw) {
        assertThat(PathNormalizer.isNormal(raw)).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "*", "mcp", "//a", "/a/", "/a//b", "/a%41", "/a;x", "/a/./b", "/a/..", "/.", "/a#b",
        "/a\\b", "/caf\u00e9", "/a b", "/a/b/?x", "http://h/a"})
    void pathsThatSomeReadingCouldChangeAreNotNormal(String raw) {
        assertThat(PathNormalizer.isNormal(raw)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mcp?x=1", "/a/b?", "/a?../.."})
    void theQueryIsDroppedFromAnOtherwiseNormalPath(String raw) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(raw.substring(0, raw.indexOf('?')));
    }

    @Test
    void aMegabyteOfNonAsciiTextIsDecodedWhole() {
        String text = "\u0080\u00e9\u07ff\u0800\u20ac\uffff\ud83d\ude00".repeat(1 << 17);

        assertThat(PathNormalizer.normalize("/" + text + "/%41;a")).isEqualTo("/" + text + "/A");
    }
}
