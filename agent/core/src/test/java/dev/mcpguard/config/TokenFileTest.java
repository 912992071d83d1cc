package dev.mcpguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.Authentication;
import dev.mcpguard.core.Principal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Design §9: the token file's lines, their attributes, and every way a line is malformed. */
class TokenFileTest {
    private static final String SECRET = "s3cret-Token";

    @TempDir
    Path dir;

    private static TokenFile.Entry only(String text) throws TokenFile.Malformed {
        List<TokenFile.Entry> entries = TokenFile.parse(text);
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private static Principal principal(TokenFile.Entry entry) {
        return entry.accepted().principal();
    }

    private static Authentication authenticate(TokenFile.Entry entry, String token, long nowMillis) {
        return AcceptedTokens.of(List.of(entry.accepted())).authenticate(token, 0, token.length(), nowMillis);
    }

    @Test
    void aBareTokenIsNamedByItsDigestWithNoScopesNoExpiryNoRate() throws TokenFile.Malformed {
        Principal principal = principal(only(SECRET));

        assertThat(principal.name()).isEqualTo(Principal.nameOfDigest(AcceptedTokens.sha256(SECRET))).matches("token:[0-9a-f]{8}");
        assertThat(principal.scopes()).isEmpty();
        assertThat(principal.expiresAtMillis()).isEqualTo(Principal.NEVER);
        assertThat(principal.rate()).isNull();
    }

    @Test
    void everyAttributeInAnyOrder() throws TokenFile.Malformed {
        for (String line : List.of(
                SECRET + " name=ci-bot expires=2026-12-31T18:00:00Z scopes=mcp:read,mcp:tools rate=5/s",
                "\t" + SECRET + "\trate=5/s  scopes=mcp:tools,mcp:read name=ci-bot expires=2026-12-31T18:00:00Z \r")) {
            Principal principal = principal(only(line));

            assertThat(principal.name()).as(line).isEqualTo("ci-bot");
            assertThat(principal.scopes()).as(line).containsExactly("mcp:read", "mcp:tools");
            assertThat(principal.expiresAtMillis()).as(line).isEqualTo(Instant.parse("2026-12-31T18:00:00Z").toEpochMilli());
            assertThat(principal.rate()).as(line).isEqualTo("5/s");
        }
    }

    @Test
    void aDateIsValidThroughThatDayInUtc() throws TokenFile.Malformed {
        TokenFile.Entry entry = only(SECRET + " name=guest expires=2026-12-31");
        long nextDay = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();

        assertThat(entry.expiresAtMillis()).isEqualTo(nextDay);
        assertThat(authenticate(entry, SECRET, nextDay - 1).principal().name()).isEqualTo("guest");
        assertThat(authenticate(entry, SECRET, nextDay)).isSameAs(Authentication.EXPIRED);
        assertThat(entry.describe()).contains("expires=2026-12-31 (valid through that day, UTC: refused from "
                + "2027-01-01T00:00:00Z)");
    }

    @ParameterizedTest
    @CsvSource({
            "2026-12-31T18:00:00Z,         2026-12-31T18:00:00Z",
            "2026-12-31T18:00:00+02:00,    2026-12-31T16:00:00Z",
            "2026-12-31T18:00:00.250-01:30, 2026-12-31T19:30:00.250Z",
            "2026-12-31t18:00:00z,         2026-12-31T18:00:00Z"})
    void anInstantIsRfc3339WithItsOffset(String written, String instant) throws TokenFile.Malformed {
        TokenFile.Entry entry = only(SECRET + " expires=" + written);

        assertThat(entry.expiresAtMillis()).isEqualTo(Instant.parse(instant).toEpochMilli());
        assertThat(entry.describe()).contains("expires=" + instant);
    }

    @Test
    void commentsBlankLinesCarriageReturnsAndSurroundingWhitespaceAreIgnored() throws TokenFile.Malformed {
        List<TokenFile.Entry> entries = TokenFile.parse("# tokens\r\n\r\n   \r\n  a-token name=a  \r\n#b-token\nc-token");

        assertThat(entries).extracting(TokenFile.Entry::line).containsExactly(4, 6);
        assertThat(entries).extracting(TokenFile.Entry::principalName)
                .containsExactly("a", Principal.nameOfDigest(AcceptedTokens.sha256("c-token")));
    }

    @Test
    void aLoneCarriageReturnEndsALineToo() throws TokenFile.Malformed {
        assertThat(TokenFile.parse("a-token\rb-token\r\r\nc-token\n")).extracting(TokenFile.Entry::line)
                .containsExactly(1, 2, 4);
    }

    @Test
    void noTokenLineIsAnEmptyList() throws TokenFile.Malformed {
        assertThat(TokenFile.parse("")).isEmpty();
        assertThat(TokenFile.parse("# revoked everything\n\n")).isEmpty();
    }

    /** Line 3 holds the bad shape, after a comment and a good line, so the number is counted, not guessed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a second token                  | SECRET SECRET2                               | a word after the token that is no attribute
            a key without a name            | SECRET =x                                    | a word after the token that is no attribute
            token not a b64token            | SECRET\u00e9                                 | the token is not an RFC 6750 b64token
            an equals sign inside the token | SE=CRET                                      | the token is not an RFC 6750 b64token
            an unknown attribute            | SECRET role=admin                            | an unknown attribute (allowed: name=, expires=, scopes=, rate=)
            an attribute in upper case      | SECRET NAME=x                                | an unknown attribute
            a prefix of an attribute        | SECRET me=x                                  | an unknown attribute
            a repeated attribute            | SECRET name=a scopes=x name=a                | name= given twice
            repeated scopes                 | SECRET scopes=a scopes=b                     | scopes= given twice
            an empty name                   | SECRET name=                                 | name= needs a label of printable ASCII without spaces
            a name beyond ASCII             | SECRET name=jos\u00e9                        | name= needs a label
            a name with a control           | SECRET name=a\u0001b                         | name= needs a label
            a name like a digest's          | SECRET name=token:0a1b2c3d                   | name= may not start with token:
            an empty expiry                 | SECRET expires=                              | expires= needs a date YYYY-MM-DD
            no such day                     | SECRET expires=2026-02-30                    | expires= needs a date
            a date without dashes           | SECRET expires=20261231                      | expires= needs a date
            a local time, no offset         | SECRET expires=2026-12-31T18:00:00           | expires= needs a date
            an hour 25                      | SECRET expires=2026-12-31T25:00:00Z          | expires= needs a date
            a word                          | SECRET expires=never                         | expires= needs a date
            empty scopes                    | SECRET scopes=                               | scopes= needs comma-separated OAuth scope names
            an empty scope                  | SECRET scopes=a,,b                           | scopes= needs
            a trailing comma                | SECRET scopes=a,                             | scopes= needs
            a quote in a scope              | SECRET scopes=a"b                            | scopes= needs
            a rate of zero                  | SECRET rate=0/s                              | rate= needs <n>/s, <n>/min or <n>/h with n a positive integer
            a rate per day                  | SECRET rate=10/d                             | rate= needs
            a rate without a count          | SECRET rate=/s                               | rate= needs
            a rate without a unit           | SECRET rate=10                               | rate= needs
            a negative rate                 | SECRET rate=-1/s                             | rate= needs
            a rate beyond nine digits       | SECRET rate=1234567890/s                     | rate= needs
            a rate in other digits          | SECRET rate=\u0661/s                         | rate= needs
            the same token twice            | good-token name=again                        | the same token as line 2
            """)
    void aMalformedLineIsNamedByNumberAndProblemNeverByItsText(String shape, String line, String problem) {
        String text = "# accepted tokens\ngood-token name=first\n" + line.replace("SECRET2", SECRET + "2")
                .replace("SECRET", SECRET) + "\nlater-token\n";

        assertThatThrownBy(() -> TokenFile.parse(text)).as(shape)
                .isInstanceOf(TokenFile.Malformed.class)
                .hasMessageStartingWith("line 3: " + problem)
                .hasMessageNotContaining(SECRET)
                .hasMessageNotContaining("good-token")
                .satisfies(e -> {
                    String value = line.substring(line.indexOf(' ') + 1);
                    int equals = value.lastIndexOf('=');
                    if (equals >= 0 && equals + 1 < value.length()) {
                        assertThat(e.getMessage()).as("the bad value is not echoed").doesNotContain(value.substring(equals));
                    }
                });
    }

    @Test
    void aFileNotInUtf8IsMalformedAndAMissingOneUnreadable() throws IOException {
        Path binary = Files.write(dir.resolve("binary"), new byte[] {'a', (byte) 0xff, '\n'});

        assertThatThrownBy(() -> TokenFile.read(binary)).isInstanceOf(TokenFile.Malformed.class)
                .hasMessage("the file is not UTF-8 text");
        assertThatThrownBy(() -> TokenFile.read(dir.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void theKnobsErrorNamesTheLineAndNeverTheToken() throws IOException {
        Path file = Files.writeString(dir.resolve("tokens"), "ok-token\n" + SECRET + " colour=blue\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> Config.load(new KnobSource(Map.of("MCPGUARD_TOKEN_FILE", file.toString()), new Properties())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcpguard: invalid MCPGUARD_TOKEN_FILE=<redacted>: expected a readable UTF-8 file")
                .hasMessageEndingWith("(line 2: an unknown attribute (allowed: name=, expires=, scopes=, rate=))")
                .hasMessageNotContaining(SECRET).hasMessageNotContaining("colour").hasMessageNotContaining(file.toString());
    }

    @Test
    void describeShowsEverythingButTheToken() throws TokenFile.Malformed {
        List<TokenFile.Entry> entries = TokenFile.parse(SECRET + " name=ci scopes=b,a rate=3/h expires=2030-01-01T00:00:00Z\n"
                + SECRET + "2\n");

        assertThat(entries.get(0).describe()).isEqualTo(
                "token file line 1: name=ci expires=2030-01-01T00:00:00Z scopes=b,a rate=3/h");
        assertThat(entries.get(1).describe()).isEqualTo("token file line 2: name="
                + Principal.nameOfDigest(AcceptedTokens.sha256(SECRET + "2")) + " expires=never scopes=none rate=none");
        assertThat(entries).allSatisfy(entry -> assertThat(entry.toString()).doesNotContain(SECRET));
    }

    @Test
    void entriesAreEqualWhenTheyAcceptTheSameTokenForTheSamePrincipalWhereverTheyStand() throws TokenFile.Malformed {
        assertThat(TokenFile.parse("# moved down\na name=x")).isEqualTo(TokenFile.parse("a name=x"));
        assertThat(TokenFile.parse("a name=x")).isNotEqualTo(TokenFile.parse("a name=y"));
        assertThat(TokenFile.parse("a")).isNotEqualTo(TokenFile.parse("a expires=2030-01-01"));
        assertThat(TokenFile.parse("a")).isNotEqualTo(TokenFile.parse("a scopes=s"));
        assertThat(TokenFile.parse("a")).isNotEqualTo(TokenFile.parse("a rate=1/s"));
    }

    // ---- what check and the banner warn about ----

    private Config config(String content, String mode) throws IOException {
        Path file = Files.writeString(dir.resolve("tokens-" + mode), content, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort("no POSIX permissions here");
        }
        return Config.load(new KnobSource(Map.of("MCPGUARD_TOKEN_FILE", file.toString()), new Properties()));
    }

    @Test
    void aFileReadableByOthersIsWarnedAboutWithItsNameAndChmod() throws IOException {
        Config open = config("a-token\n", "rw-r--r--");
        Config closed = config("a-token\n", "rw-------");

        assertThat(open.credentialWarnings(0)).singleElement().asString()
                .contains(open.tokenFile().toString(), "readable or writable by group or others (rw-r--r--)",
                        "chmod 600 " + open.tokenFile());
        assertThat(closed.credentialWarnings(0)).isEmpty();
    }

    @Test
    void entriesExpiredOrExpiringWithinSevenDaysAndSharedNamesAreWarnedAbout() throws IOException {
        long now = Instant.parse("2026-12-05T12:00:00Z").toEpochMilli();
        Config config = config("""
                old name=old expires=2026-12-04
                soon name=soon expires=2026-12-11
                later name=later expires=2026-12-12T12:00:00.001Z
                never name=soon
                just-past expires=2026-12-05T12:00:00Z
                """, "rw-------");

        assertThat(config.credentialWarnings(now)).containsExactly(
                "token file line 1 (old) expired at 2026-12-05T00:00:00Z: it is refused",
                "token file line 2 (soon) expires within 7 days, at 2026-12-12T00:00:00Z",
                "token file lines 2 and 4 share the name soon: decision lines cannot tell them apart",
                "token file line 5 (" + Principal.nameOfDigest(AcceptedTokens.sha256("just-past"))
                        + ") expired at 2026-12-05T12:00:00Z: it is refused");
        assertThat(config.tokenFileEntries()).hasSize(5).noneMatch(line -> line.contains("just-past"));
    }
}
