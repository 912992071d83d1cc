package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptedTokensTest {
    private static final AcceptedTokens OLD_AND_NEW =
            tokens(AcceptedTokens.sha256("old-token"), AcceptedTokens.sha256("new-token"));

    private static AcceptedTokens tokens(byte[]... digests) {
        List<AcceptedTokens.Entry> entries = new ArrayList<>();
        for (byte[] digest : digests) {
            entries.add(AcceptedTokens.Entry.anonymous(digest));
        }
        return AcceptedTokens.of(entries);
    }

    private static boolean accepts(AcceptedTokens tokens, String token) {
        return accepts(tokens, token, 0, token.length());
    }

    private static boolean accepts(AcceptedTokens tokens, String text, int from, int to) {
        return tokens.authenticate(text, from, to, 0L).principal() != null;
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(textBlock = """
            old-token,   true
            new-token,   true
            other,       false
            old-tokenx,  false
            old-toke,    false
            OLD-TOKEN,   false
            '',          false
            """)
    void acceptsOnlyConfiguredTokens(String token, boolean accepted) {
        assertThat(accepts(OLD_AND_NEW, token)).isEqualTo(accepted);
        assertThat(OLD_AND_NEW.size()).isEqualTo(2);
    }

    @Test
    void acceptsATokenInsideAHeaderValue() {
        String header = "Bearer new-token  ";

        assertThat(accepts(OLD_AND_NEW, header, 7, 16)).isTrue();
        assertThat(accepts(OLD_AND_NEW, header, 6, 16)).isFalse();
        assertThat(accepts(OLD_AND_NEW, header, 7, 17)).isFalse();
    }

    @Test
    void noTokensAcceptNothing() {
        assertThat(accepts(tokens(), "")).isFalse();
        assertThat(accepts(tokens(), "old-token")).isFalse();
    }

    /** Expected values from {@code printf %s TOKEN | sha256sum}. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "token, 3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0",
        "good-token, 461caa80a52104436e34006189430d13aba103b2c4344d446ea3d9324b0de1c0",
    })
    void sha256MatchesSha256sum(String token, String hex) {
        assertThat(HexFormat.of().formatHex(AcceptedTokens.sha256(token))).isEqualTo(hex);
        assertThat(accepts(tokens(HexFormat.of().parseHex(hex)), token)).isTrue();
    }

    @Test
    void digestsAreCopied() {
        byte[] digest = AcceptedTokens.sha256("token");
        AcceptedTokens tokens = tokens(digest);

        digest[0] ^= 1;

        assertThat(accepts(tokens, "token")).isTrue();
    }

    @Test
    void rejectsSomethingThatIsNotADigest() {
        assertThatIllegalArgumentException().isThrownBy(() -> AcceptedTokens.Entry.anonymous(new byte[31]));
    }
}
