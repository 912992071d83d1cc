package dev.mcpguard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole-segment prefix matching; restrictions ignore case, exemptions do not. */
class PathPrefixesTest {

    @ParameterizedTest(name = "{0} ignoreCase={1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            /inspector            | true  | /inspector           | true
            /inspector            | true  | /inspector/x         | true
            /inspector            | true  | /inspector/x/y       | true
            /inspector            | true  | /inspectorx          | false
            /inspector            | true  | /inspecto            | false
            /inspector            | true  | /x/inspector         | false
            /inspector            | true  | /                    | false
            /inspector            | true  | /INSPECTOR           | true
            /inspector            | true  | /Inspector/X         | true
            /Inspector            | true  | /inspector           | true
            /inspector            | false | /INSPECTOR           | false
            /inspector            | false | /inspector/x         | true
            /inspector            | false | /inspectorx          | false
            /inspector/           | false | /inspector           | true
            //inspector/          | false | /inspector/x         | true
            /inspector;v=1        | false | /inspector           | true
            /a/b                  | true  | /a                   | false
            /a/b                  | true  | /a/b/c               | true
            /a/b                  | true  | /a/bc                | false
            /                     | false | /                    | true
            /                     | false | /anything/at/all     | true
            /x /inspector         | true  | /INSPECTOR/page      | true
            /x /inspector         | true  | /y                   | false
            /.well-known/oauth-protected-resource | false | /.well-known/oauth-protected-resource/mcp | true
            /.well-known/oauth-protected-resource | false | /.well-known/OAuth-Protected-Resource     | false
            /.well-known/oauth-protected-resource | false | /.well-known/oauth-protected-resources    | false
            """)
    void matchesWholeSegments(String prefixes, boolean ignoreCase, String path, boolean matches) {
        PathPrefixes list = PathPrefixes.of(Arrays.asList(prefixes.split(" ")), ignoreCase);

        assertThat(list.isEmpty()).isFalse();
        assertThat(list.matches(path)).isEqualTo(matches);
    }

    @Test
    void noPrefixesMatchNothing() {
        PathPrefixes none = PathPrefixes.of(List.of(), true);

        assertThat(none.isEmpty()).isTrue();
        assertThat(none.matches("/")).isFalse();
        assertThat(none.matches("/inspector")).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "inspector", "*", "/a?b", "/..", "/a/../..", "/%2e", "/a%2fb", "/a\\b", "/a%zz", "/a\nb"})
    void rejectsPrefixesThatDoNotNormalize(String prefix) {
        assertThatIllegalArgumentException().isThrownBy(() -> PathPrefixes.of(List.of("/ok", prefix), true))
                .withMessage(prefix);
    }
}
