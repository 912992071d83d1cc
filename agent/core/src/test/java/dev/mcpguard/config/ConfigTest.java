package dev.mcpguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Design §3: every knob's valid forms, defaults and invalid forms. */
class ConfigTest {
    private static final String SECRET = "s3cret-Token";

    @TempDir
    Path dir;

    private static Config load(String... envPairs) {
        return load(env(envPairs), new Properties());
    }

    private static Config load(Map<String, String> env, Properties properties) {
        return Config.load(new KnobSource(env, properties));
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static boolean accepts(Config config, String token) {
        AcceptedTokens tokens = config.acceptedTokens();
        return tokens != null && tokens.authenticate(token, 0, token.length(), System.currentTimeMillis()).principal() != null;
    }

    private Path file(String content) throws IOException {
        Path file = Files.createTempFile(dir, "tokens", ".txt");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    /** Asserts the single-line message naming the knob and what the value shows as. */
    private static void assertInvalid(Map<String, String> env, Properties properties, String knob, String shown) {
        assertThatThrownBy(() -> load(env, properties))
                .isInstanceOf(ConfigException.class)
                .hasNoCause()
                .satisfies(e -> {
                    String message = e.getMessage();
                    assertThat(message).doesNotContain("\n", "\r");
                    assertThat(message).startsWith("mcpguard: invalid " + knob + "=" + shown + ": expected ");
                    assertThat(e.getStackTrace()).isEmpty();
                });
    }

    // ---- defaults ----

    @Test
    void defaults() {
        assertThat(load().refuseUngatedListeners()).as("MCPGUARD_UNGATED_LISTENERS=warn").isFalse();
        Config config = load();

        for (GateName gate : GateName.values()) {
            assertThat(config.mode(gate)).as(gate.name()).isEqualTo(gate == GateName.EGRESS ? GateMode.OFF : GateMode.ENFORCE);
        }
        assertThat(config.egressOn()).isFalse();
        assertThat(config.summary()).contains("egress: off (MCPGUARD_EGRESS_MODE)");
        assertThat(config.maxBodyBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(config.acceptedTokens()).isNull();
        assertThat(config.noAuth()).isFalse();
        assertThat(config.authFailsClosed()).isTrue();
        assertThat(config.realm()).isEqualTo("mcp");
        assertThat(config.resourceMetadataUrl()).isNull();
        assertThat(config.publicPaths().matches("/.well-known/oauth-protected-resource")).isTrue();
        assertThat(config.publicPaths().matches("/.well-known/oauth-protected-resource/mcp")).isTrue();
        assertThat(config.publicPaths().matches("/mcp")).isFalse();
        assertThat(config.loopbackPaths().isEmpty()).isTrue();
        assertThat(config.prod()).isTrue();
        assertThat(config.trustProdLoopback()).isFalse();
        assertThat(config.origins().isDefault()).isTrue();
        assertThat(config.hosts().isDefault()).isTrue();
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.bindPorts()).isNull();
        assertThat(config.denyOnError()).isTrue();
        assertThat(config.logAllowed()).isFalse();
        assertThat(config.jsonLog()).isTrue();
        assertThat(config.unknownKnobs()).isEmpty();
        assertThat(config.relaxations()).isEmpty();
    }

    // ---- egress ----

    @Test
    void egressListsTheEffectiveDenyAndAllowSetsAndWarnsOfEachRelaxation() {
        Config config = load("MCPGUARD_EGRESS_MODE", "enforce", "MCPGUARD_EGRESS_DENY", "private, 203.0.113.0/24,private,SELF",
                "MCPGUARD_EGRESS_ALLOW", "10.1.0.0/16,DB.Internal.:5432,*:443,[fd00::5]:80,10.0.0.1:6379");

        assertThat(config.egressOn()).isTrue();
        assertThat(config.summary()).anySatisfy(line -> assertThat(line)
                .startsWith("egress: enforce, deny 0.0.0.0/8,10.0.0.0/8,100.64.0.0/10,127.0.0.0/8,169.254.0.0/16,")
                .contains(",fc00::/7,fe80::/10,fec0::/10,ff00::/8,203.0.113.0/24 (private and more) and this host's own addresses")
                .endsWith(", allow 10.1.0.0/16,db.internal:5432,*:443,[fd00::5]:80,10.0.0.1:6379"));
        assertThat(config.relaxations()).containsExactly("MCPGUARD_EGRESS_ALLOW lets the application connect to "
                + "10.1.0.0/16, db.internal:5432, *:443, [fd00::5]:80, 10.0.0.1:6379 whatever MCPGUARD_EGRESS_DENY says");
    }

    @Test
    void egressWithoutPrivateAndInLogOnlyIsWarned() {
        Config config = load("MCPGUARD_EGRESS_MODE", "log-only", "MCPGUARD_EGRESS_DENY", "169.254.169.254");

        assertThat(config.relaxations()).containsExactly(
                "EGRESS gate is log-only: its refusals are logged, not enforced",
                "MCPGUARD_EGRESS_DENY=169.254.169.254 leaves out `private`: the application may connect to loopback, "
                        + "RFC 1918 and link-local (cloud metadata) addresses outside those blocks",
                "MCPGUARD_EGRESS_DENY=169.254.169.254 leaves out `self`: the application may connect to this host's "
                        + "own addresses, and so to what listens on 0.0.0.0 or [::] here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "private,", "10.0.0.0/33", "10.0.0.0/8/8", "example.com", "010.0.0.1", "10.1",
        "0x7f.0.0.1", "fe80::1%eth0", "10.0.0.*", "10.0.0.0-10.0.0.9", "1.2.3.4:80", "::ffff:127.0.0.0/104",
        "64:ff9b::a9fe:a9fe"})
    void invalidEgressDenyIsRefused(String value) {
        assertThatThrownBy(() -> load("MCPGUARD_EGRESS_DENY", value))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("mcpguard: invalid MCPGUARD_EGRESS_DENY");
    }

    @ParameterizedTest
    @ValueSource(strings = {"db.internal", "db.internal:0", "db.internal:65536", "*:", "*", "*:x",
        "10.0.0.0/8:80", "[10.0.0.1]:80", "[fd00::/8]:80", "-db.internal:80", "db..internal:80", "a b:80", "127.1:80",
        "db.internal:+80", ",", "10.0.0.1,,10.0.0.2", "::ffff:10.0.0.1", "[::ffff:10.0.0.1]:80"})
    void invalidEgressAllowIsRefused(String value) {
        assertThatThrownBy(() -> load("MCPGUARD_EGRESS_ALLOW", value))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("mcpguard: invalid MCPGUARD_EGRESS_ALLOW");
    }

    // ---- modes ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"enforce, ENFORCE", "log-only, LOG_ONLY", "off, OFF", "LOG-ONLY, LOG_ONLY", "Enforce, ENFORCE",
        "' off ', OFF"})
    void globalModeAppliesToEveryGate(String value, GateMode mode) {
        Config config = load("MCPGUARD_MODE", value);

        for (GateName gate : GateName.values()) {
            // EGRESS refuses the application's own connections: opted into by its own knob only (design §12)
            assertThat(config.mode(gate)).as(gate.name()).isEqualTo(gate == GateName.EGRESS ? GateMode.OFF : mode);
        }
    }

    @ParameterizedTest
    @EnumSource(GateName.class)
    void perGateModeOverridesTheGlobalMode(GateName gate) {
        Config config = load("MCPGUARD_MODE", "off", "MCPGUARD_" + gate.name() + "_MODE", "log-only");

        for (GateName other : GateName.values()) {
            assertThat(config.mode(other)).as(other.name()).isEqualTo(other == gate ? GateMode.LOG_ONLY : GateMode.OFF);
        }
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironment() {
        Properties properties = new Properties();
        properties.setProperty("mcpguard.mode", "log-only");
        properties.setProperty("mcpguard.auth.mode", "enforce");
        properties.setProperty("mcpguard.max.body.bytes", "1KiB");
        properties.setProperty("mcpguard.token.sha256", HexFormat.of().formatHex(AcceptedTokens.sha256("from-property")));

        Config config = load(env("MCPGUARD_MODE", "off", "MCPGUARD_AUTH_MODE", "off", "MCPGUARD_MAX_BODY_BYTES", "2KiB",
                "MCPGUARD_TOKEN_SHA256", HexFormat.of().formatHex(AcceptedTokens.sha256("from-env"))), properties);

        assertThat(config.mode(GateName.PATH)).isEqualTo(GateMode.LOG_ONLY);
        assertThat(config.mode(GateName.AUTH)).isEqualTo(GateMode.ENFORCE);
        assertThat(config.maxBodyBytes()).isEqualTo(1024);
        assertThat(accepts(config, "from-property")).isTrue();
        assertThat(accepts(config, "from-env")).isFalse();
    }

    @Test
    void anInvalidSystemPropertyIsInvalidEvenWhenTheEnvironmentIsValid() {
        Properties properties = new Properties();
        properties.setProperty("mcpguard.mode", "block");

        assertThatThrownBy(() -> load(env("MCPGUARD_MODE", "enforce"), properties))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("\"block\"")
                .hasMessageContaining("invalid mcpguard.mode=");
    }

    // ---- body size ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1024        | 1024
            1           | 1
            01025       | 1025
            5B          | 5
            5 b         | 5
            1KiB        | 1024
            1 kib       | 1024
            1KIB        | 1024
            4MiB        | 4194304
            4 MiB       | 4194304
            2GiB        | 2147483648
            1KB         | 1000
            10MB        | 10000000
            10 mb       | 10000000
            3GB         | 3000000000
            8388608GiB  | 9007199254740992
            """)
    void maxBodyBytesAcceptsUnits(String value, long bytes) {
        assertThat(load("MCPGUARD_MAX_BODY_BYTES", value).maxBodyBytes()).isEqualTo(bytes);
    }

    // ---- flags and choices ----

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(textBlock = """
            MCPGUARD_NO_AUTH,             1,     true
            MCPGUARD_NO_AUTH,             TRUE,  true
            MCPGUARD_NO_AUTH,             yes,   true
            MCPGUARD_NO_AUTH,             On,    true
            MCPGUARD_NO_AUTH,             0,     false
            MCPGUARD_NO_AUTH,             false, false
            MCPGUARD_NO_AUTH,             NO,    false
            MCPGUARD_NO_AUTH,             off,   false
            MCPGUARD_NO_AUTH,             '',    false
            MCPGUARD_TRUST_PROD_LOOPBACK, true,  true
            MCPGUARD_TRUST_PROD_LOOPBACK, '',    false
            MCPGUARD_LOG_ALLOWED,         yes,   true
            MCPGUARD_LOG_ALLOWED,         no,    false
            """)
    void flags(String knob, String value, boolean on) {
        Config config = load(knob, value);

        boolean actual = switch (knob) {
            case "MCPGUARD_NO_AUTH" -> config.noAuth();
            case "MCPGUARD_TRUST_PROD_LOOPBACK" -> config.trustProdLoopback();
            default -> config.logAllowed();
        };
        assertThat(actual).isEqualTo(on);
    }

    @Test
    void noAuthOpensAuthExplicitly() {
        Config config = load("MCPGUARD_NO_AUTH", "1");

        assertThat(config.authFailsClosed()).isFalse();
        assertThat(config.acceptedTokens()).isNull();
    }

    @Test
    void choices() {
        assertThat(load("MCPGUARD_ENV", "dev").prod()).isFalse();
        assertThat(load("MCPGUARD_ENV", "PROD").prod()).isTrue();
        assertThat(load("MCPGUARD_ON_ERROR", "allow").denyOnError()).isFalse();
        assertThat(load("MCPGUARD_ON_ERROR", "Deny").denyOnError()).isTrue();
        assertThat(load("MCPGUARD_LOG_FORMAT", "text").jsonLog()).isFalse();
        assertThat(load("MCPGUARD_LOG_FORMAT", "JSON").jsonLog()).isTrue();
        assertThat(load("MCPGUARD_UNGATED_LISTENERS", "refuse").refuseUngatedListeners()).isTrue();
        assertThat(load("MCPGUARD_UNGATED_LISTENERS", "Warn").refuseUngatedListeners()).isFalse();
    }

    // ---- tokens ----

    @Test
    void tokensFromEverySourceCombine() throws IOException {
        Path file = file("file-token\n");
        Config config = load("MCPGUARD_TOKEN", "old, new", "MCPGUARD_TOKEN_FILE", file.toString(),
                "MCPGUARD_TOKEN_SHA256", HexFormat.of().withUpperCase().formatHex(AcceptedTokens.sha256("hashed-token")));

        assertThat(config.acceptedTokens().size()).isEqualTo(4);
        for (String token : new String[] {"old", "new", "file-token", "hashed-token"}) {
            assertThat(accepts(config, token)).as(token).isTrue();
        }
        assertThat(accepts(config, "other")).isFalse();
        assertThat(config.authFailsClosed()).isFalse();
    }

    @Test
    void tokenAcceptsEveryB64TokenCharacter() {
        assertThat(accepts(load("MCPGUARD_TOKEN", "a.b-c_d~e+f/g=="), "a.b-c_d~e+f/g==")).isTrue();
    }

    @Test
    void tokenFileIgnoresCommentsBlankLinesAndCarriageReturns() throws IOException {
        Path file = file("# rotation: old then new\r\n\r\n  old-token \r\n\t\r\n#new-token-commented\r\nnew-token\r\n");

        Config config = load("MCPGUARD_TOKEN_FILE", file.toString());

        assertThat(config.acceptedTokens().size()).isEqualTo(2);
        assertThat(accepts(config, "old-token")).isTrue();
        assertThat(accepts(config, "new-token")).isTrue();
        assertThat(accepts(config, "new-token-commented")).isFalse();
    }

    @Test
    void tokenFileWithoutAFinalNewlineIsRead() throws IOException {
        assertThat(accepts(load("MCPGUARD_TOKEN_FILE", file("only").toString()), "only")).isTrue();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "# none yet\n\n   \r\n"})
    void aTokenFileWithoutTokenLinesIsValidAndAcceptsNoToken(String content) throws IOException {
        Path file = file(content);

        Config config = load("MCPGUARD_TOKEN_FILE", file.toString(), "MCPGUARD_TOKEN", "fixed");

        assertThat(config.authFailsClosed()).isFalse();
        assertThat(config.acceptedTokens().size()).isEqualTo(1);
        assertThat(accepts(config, "fixed")).isTrue();
        assertThat(accepts(load("MCPGUARD_TOKEN_FILE", file.toString()), "none-yet")).isFalse();
        assertThat(config.credentialWarnings(0)).anyMatch(line -> line.contains("no token line: it accepts no token"));
    }

    @Test
    void tokensWithoutTheRequiredScopesAreNamedAtStart() throws IOException {
        Path file = file("scoped name=ci scopes=mcp:read,mcp:tools\nbare name=guest scopes=mcp:read\n");

        List<String> warnings = load("MCPGUARD_TOKEN_FILE", file.toString(), "MCPGUARD_TOKEN", "fixed",
                "MCPGUARD_REQUIRED_SCOPES", "mcp:tools").credentialWarnings(0);

        assertThat(warnings).filteredOn(line -> line.contains("insufficient_scope")).containsExactly(
                "MCPGUARD_REQUIRED_SCOPES is set, but the tokens of MCPGUARD_TOKEN and MCPGUARD_TOKEN_SHA256 carry no "
                        + "scopes: every request with one gets 403 insufficient_scope (give tokens scopes= in "
                        + "MCPGUARD_TOKEN_FILE)",
                "token file line 2 (guest) lacks a scope MCPGUARD_REQUIRED_SCOPES asks for (mcp:tools): requests with "
                        + "it get 403 insufficient_scope");
        assertThat(load("MCPGUARD_TOKEN", "fixed").credentialWarnings(0)).isEmpty();
    }

    @Test
    void tokenFileEntriesNameTheirPrincipals() throws IOException {
        Path file = file("named-token name=alice scopes=mcp:read,mcp:tools rate=10/min\nanonymous-token\n");
        AcceptedTokens tokens = load("MCPGUARD_TOKEN_FILE", file.toString()).acceptedTokens();

        var alice = tokens.authenticate("named-token", 0, 11, 0).principal();
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.scopes()).containsExactly("mcp:read", "mcp:tools");
        assertThat(alice.rate()).isEqualTo("10/min");
        assertThat(tokens.authenticate("anonymous-token", 0, 15, 0).principal().name())
                .isEqualTo(dev.mcpguard.core.Principal.nameOfDigest(AcceptedTokens.sha256("anonymous-token")));
    }

    static Stream<Arguments> invalidTokenFiles() {
        return Stream.of(
                Arguments.of("a token with a space", "good\n" + SECRET + " x\n"),
                Arguments.of("two tokens on a line", SECRET + "," + SECRET + "\n"),
                Arguments.of("not UTF-8", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTokenFiles")
    void invalidTokenFilesAreRedacted(String name, String content) throws IOException {
        Path file = content == null ? Files.write(dir.resolve("binary"), new byte[] {'a', (byte) 0xff, '\n'})
                : file(content);

        assertInvalid(env("MCPGUARD_TOKEN_FILE", file.toString()), new Properties(), "MCPGUARD_TOKEN_FILE", "<redacted>");
        assertThatThrownBy(() -> load("MCPGUARD_TOKEN_FILE", file.toString()))
                .hasMessageNotContaining(SECRET).hasMessageNotContaining(file.toString());
    }

    @Test
    void aMissingOrUnreadableTokenFileIsInvalid() {
        String missing = dir.resolve("missing-" + SECRET).toString();

        assertInvalid(env("MCPGUARD_TOKEN_FILE", missing), new Properties(), "MCPGUARD_TOKEN_FILE", "<redacted>");
        assertInvalid(env("MCPGUARD_TOKEN_FILE", dir.toString()), new Properties(), "MCPGUARD_TOKEN_FILE", "<redacted>");
        assertInvalid(env("MCPGUARD_TOKEN_FILE", ""), new Properties(), "MCPGUARD_TOKEN_FILE", "<redacted>");
        assertThatThrownBy(() -> load("MCPGUARD_TOKEN_FILE", missing)).hasMessageNotContaining(SECRET);
    }

    @ParameterizedTest(name = "{0}=[{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            MCPGUARD_TOKEN        | s3cret-Token x
            MCPGUARD_TOKEN        | s3cret-Token,,other
            MCPGUARD_TOKEN        | s3cret-Token,
            MCPGUARD_TOKEN        | ,s3cret-Token
            MCPGUARD_TOKEN        | s3cret-Token=x
            MCPGUARD_TOKEN        | s3cret-Token;x
            MCPGUARD_TOKEN        | s3cret-Token"
            MCPGUARD_TOKEN        | s3cret-Tokén
            MCPGUARD_TOKEN        | ''
            MCPGUARD_TOKEN        | ' '
            MCPGUARD_TOKEN_SHA256 | s3cret-Token
            MCPGUARD_TOKEN_SHA256 | ''
            MCPGUARD_TOKEN_SHA256 | 3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e
            MCPGUARD_TOKEN_SHA256 | 3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e00
            MCPGUARD_TOKEN_SHA256 | zc469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0
            MCPGUARD_TOKEN_SHA256 | 3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0,
            MCPGUARD_TOKEN_SHA256 | ٣c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0
            """)
    void invalidTokenValuesAreRedacted(String knob, String value) {
        assertInvalid(env(knob, value), new Properties(), knob, "<redacted>");
        assertThatThrownBy(() -> load(knob, value)).hasMessageNotContaining(SECRET).hasMessageNotContaining("3c469e9d");
    }

    @Test
    void noAuthTogetherWithATokenIsInvalidAndDoesNotLeakTheToken() {
        assertInvalid(env("MCPGUARD_NO_AUTH", "1", "MCPGUARD_TOKEN", SECRET), new Properties(), "MCPGUARD_NO_AUTH", "\"1\"");
        assertThatThrownBy(() -> load("MCPGUARD_NO_AUTH", "yes", "MCPGUARD_TOKEN", SECRET))
                .hasMessageNotContaining(SECRET).hasMessageContaining("MCPGUARD_TOKEN");
        assertThat(load("MCPGUARD_NO_AUTH", "off", "MCPGUARD_TOKEN", SECRET).noAuth()).isFalse();
    }

    // ---- the other knobs ----

    @Test
    void realmAndResourceMetadataUrl() {
        Config config = load("MCPGUARD_REALM", "corp mcp", "MCPGUARD_RESOURCE_METADATA_URL",
                "https://mcp.example/.well-known/oauth-protected-resource");

        assertThat(config.realm()).isEqualTo("corp mcp");
        assertThat(config.resourceMetadataUrl()).isEqualTo("https://mcp.example/.well-known/oauth-protected-resource");
        assertThat(load("MCPGUARD_RESOURCE_METADATA_URL", "http://127.0.0.1:8080/prm").resourceMetadataUrl())
                .isEqualTo("http://127.0.0.1:8080/prm");
    }

    @Test
    void pathKnobs() {
        Config config = load("MCPGUARD_PUBLIC_PATHS", "/health, /docs", "MCPGUARD_LOOPBACK_PATHS", "/inspector,/debug/");

        assertThat(config.publicPaths().matches("/health")).isTrue();
        assertThat(config.publicPaths().matches("/docs/x")).isTrue();
        assertThat(config.publicPaths().matches("/.well-known/oauth-protected-resource")).isFalse();
        assertThat(config.publicPaths().matches("/HEALTH")).isFalse();
        assertThat(config.loopbackPaths().matches("/INSPECTOR")).isTrue();
        assertThat(config.loopbackPaths().matches("/debug/vars")).isTrue();
        assertThat(load("MCPGUARD_PUBLIC_PATHS", "").publicPaths().isEmpty()).isTrue();
        assertThat(load("MCPGUARD_LOOPBACK_PATHS", "").loopbackPaths().isEmpty()).isTrue();
    }

    @Test
    void originAndHostKnobs() {
        Config listed = load("MCPGUARD_ALLOWED_ORIGINS", "https://app.example, http://localhost:6274",
                "MCPGUARD_ALLOWED_HOSTS", "mcp.example.com, [::1]:8080");

        assertThat(listed.origins().allows("https://app.example:443")).isTrue();
        assertThat(listed.origins().allows("http://localhost:5173")).isFalse();
        assertThat(listed.hosts().allows("MCP.example.com:1", true)).isTrue();
        assertThat(listed.hosts().allows("localhost", true)).isFalse();

        Config any = load("MCPGUARD_ALLOWED_ORIGINS", " * ", "MCPGUARD_ALLOWED_HOSTS", "*");
        assertThat(any.origins().isAny()).isTrue();
        assertThat(any.origins().allows("null")).isFalse();
        assertThat(any.hosts().isAny()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0     | 0.0.0.0
            127.0.0.1   | 127.0.0.1
            10.1.2.3    | 10.1.2.3
            ::1         | [::1]
            [::1]       | [::1]
            ::          | [::]
            """)
    void bindAcceptsIpLiterals(String value, String bind) {
        assertThat(load("MCPGUARD_BIND", value).bind()).isEqualTo(bind);
    }

    @Test
    void bindPortsAreSorted() {
        assertThat(load("MCPGUARD_BIND_PORTS", "8080, 443,1").bindPorts()).containsExactly(1, 443, 8080);
        assertThat(load("MCPGUARD_BIND_PORTS", "65535").bindPorts()).containsExactly(65535);
    }

    // ---- invalid values of the plain knobs ----

    @ParameterizedTest(name = "{0}=[{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            MCPGUARD_MODE                  | block
            MCPGUARD_MODE                  | log_only
            MCPGUARD_MODE                  | ''
            MCPGUARD_AUTH_MODE             | disabled
            MCPGUARD_BIND_MODE             | 1
            MCPGUARD_MAX_BODY_BYTES        | 0
            MCPGUARD_MAX_BODY_BYTES        | 0KiB
            MCPGUARD_MAX_BODY_BYTES        | -1
            MCPGUARD_MAX_BODY_BYTES        | +1
            MCPGUARD_MAX_BODY_BYTES        | 1.5MiB
            MCPGUARD_MAX_BODY_BYTES        | 12XB
            MCPGUARD_MAX_BODY_BYTES        | 12 K
            MCPGUARD_MAX_BODY_BYTES        | 1  KiB
            MCPGUARD_MAX_BODY_BYTES        | KiB
            MCPGUARD_MAX_BODY_BYTES        | 1KiBx
            MCPGUARD_MAX_BODY_BYTES        | 99999999999GiB
            MCPGUARD_MAX_BODY_BYTES        | 9223372036854775808
            MCPGUARD_MAX_BODY_BYTES        | ''
            MCPGUARD_MAX_BODY_BYTES        | ٤
            MCPGUARD_NO_AUTH               | maybe
            MCPGUARD_NO_AUTH               | enabled
            MCPGUARD_TRUST_PROD_LOOPBACK   | 2
            MCPGUARD_LOG_ALLOWED           | y
            MCPGUARD_REALM                 | a"b
            MCPGUARD_REALM                 | a\\b
            MCPGUARD_REALM                 | ''
            MCPGUARD_REALM                 | mcp-é
            MCPGUARD_RESOURCE_METADATA_URL | ftp://x
            MCPGUARD_RESOURCE_METADATA_URL | /.well-known/oauth-protected-resource
            MCPGUARD_RESOURCE_METADATA_URL | mcp.example/prm
            MCPGUARD_RESOURCE_METADATA_URL | http://
            MCPGUARD_RESOURCE_METADATA_URL | https://mcp.example/a"b
            MCPGUARD_RESOURCE_METADATA_URL | https://mcp.example/a b
            MCPGUARD_RESOURCE_METADATA_URL | ''
            MCPGUARD_PUBLIC_PATHS          | health
            MCPGUARD_PUBLIC_PATHS          | /a,,/b
            MCPGUARD_LOOPBACK_PATHS        | /inspector,
            MCPGUARD_LOOPBACK_PATHS        | /../inspector
            MCPGUARD_LOOPBACK_PATHS        | /a?b
            MCPGUARD_ENV                   | production
            MCPGUARD_ENV                   | ''
            MCPGUARD_ALLOWED_ORIGINS       | app.example
            MCPGUARD_ALLOWED_ORIGINS       | https://app.example/
            MCPGUARD_ALLOWED_ORIGINS       | *,https://app.example
            MCPGUARD_ALLOWED_ORIGINS       | null
            MCPGUARD_ALLOWED_HOSTS         | evil.example:abc
            MCPGUARD_ALLOWED_HOSTS         | [::1
            MCPGUARD_ALLOWED_HOSTS         | a,,b
            MCPGUARD_BIND                  | localhost
            MCPGUARD_BIND                  | *
            MCPGUARD_BIND                  | 10.0.0.0/8
            MCPGUARD_BIND                  | 256.0.0.1
            MCPGUARD_BIND                  | 127.1
            MCPGUARD_BIND                  | 1
            MCPGUARD_BIND                  | 0x7f000001
            MCPGUARD_BIND                  | ''
            MCPGUARD_BIND                  | 1-2::
            MCPGUARD_BIND                  | [::1/2147483648]
            MCPGUARD_BIND                  | ::1/128
            MCPGUARD_BIND                  | fe80::1%no-such-interface
            MCPGUARD_ALLOWED_HOSTS         | [1-2::]
            MCPGUARD_ALLOWED_HOSTS         | [::1/2147483648]:80
            MCPGUARD_ALLOWED_ORIGINS       | http://[1-2::]
            MCPGUARD_ALLOWED_ORIGINS       | http://[::1/2147483648]
            MCPGUARD_BIND_PORTS            | +80
            MCPGUARD_BIND_PORTS            | ８０
            MCPGUARD_BIND_PORTS            | 0
            MCPGUARD_BIND_PORTS            | x
            MCPGUARD_BIND_PORTS            | 80,
            MCPGUARD_BIND_PORTS            | 65536
            MCPGUARD_BIND_PORTS            | -80
            MCPGUARD_BIND_PORTS            | ''
            MCPGUARD_UNGATED_LISTENERS     | deny
            MCPGUARD_UNGATED_LISTENERS     | ''
            MCPGUARD_ON_ERROR              | ignore
            MCPGUARD_LOG_FORMAT            | xml
            """)
    void invalidValuesNameTheKnobAndTheValue(String knob, String value) {
        assertInvalid(env(knob, value), new Properties(), knob, "\"" + value + "\"");
    }

    @Test
    void controlCharactersInAValueDoNotBreakTheLine() {
        assertInvalid(env("MCPGUARD_MODE", "off\nINJECTED"), new Properties(), "MCPGUARD_MODE", "\"off\\u000aINJECTED\"");
        assertInvalid(env("MCPGUARD_REALM", "a\r\nb"), new Properties(), "MCPGUARD_REALM", "\"a\\u000d\\u000ab\"");
    }

    @ParameterizedTest
    @MethodSource("knobs")
    void everyKnobHasItsEnvironmentAndPropertyName(Knob<?> knob) {
        String name = knob.envName().substring("MCPGUARD_".length());
        assertThat(name).matches("[A-Z0-9]+(_[A-Z0-9]+)*");
        assertThat(knob.propertyName()).isEqualTo("mcpguard." + name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'));
        assertThat(knob.secret()).isEqualTo(name.startsWith("TOKEN") || name.equals("RATE_REDIS_URL"));
    }

    static Stream<Knob<?>> knobs() {
        return Knob.all().stream();
    }

    @ParameterizedTest
    @MethodSource("knobs")
    void everyKnobHasADefaultItsParserTakesOrSaysWhatUnsetMeans(Knob<?> knob) {
        assertThat(knob.defaultValue() == null).as("no default: says what unset means").isEqualTo(knob.whenUnset() != null);
        if (knob.defaultValue() != null) {
            assertThat(knob.parsedDefault()).isNotNull();
        }
        assertThat(knob.description()).isNotBlank().doesNotContain("\n");
    }

    @ParameterizedTest
    @EnumSource(GateName.class)
    void everyGateHasItsModeKnob(GateName gate) {
        assertThat(Knob.modeOf(gate).envName()).isEqualTo("MCPGUARD_" + gate.name() + "_MODE");
    }

    // ---- warnings and the summary ----

    @Test
    void theKnobsSetAreListedAsSetInDefinitionOrderSecretsRedacted() {
        Properties properties = new Properties();
        properties.setProperty("mcpguard.realm", "corp");
        Config config = load(env("MCPGUARD_REALM", "ignored", "MCPGUARD_TOKEN", SECRET, "MCPGUARD_MODE", "log-only"),
                properties);

        assertThat(config.setKnobs())
                .containsExactly("MCPGUARD_MODE=log-only", "MCPGUARD_TOKEN=<redacted>", "mcpguard.realm=corp");
    }

    @Test
    void unknownKnobsAreListedByNameOnly() {
        Properties properties = new Properties();
        properties.setProperty("mcpguard.fo.o", "x");
        properties.setProperty("mcpguard.mode", "enforce");
        properties.setProperty("other.property", "x");

        Config config = load(env("MCPGUARD_FOO", SECRET, "MCPGUARD_TOKENS", SECRET, "MCPGUARD_MODE", "enforce",
                "OTHER_VAR", "x", "mcpguard_mode", "x"), properties);

        assertThat(config.unknownKnobs()).containsExactlyInAnyOrder("MCPGUARD_FOO", "MCPGUARD_TOKENS", "mcpguard.fo.o");
    }

    static Stream<Arguments> relaxations() {
        return Stream.of(
                Arguments.of(new String[] {"MCPGUARD_AUTH_MODE", "log-only"}, "AUTH gate is log-only"),
                Arguments.of(new String[] {"MCPGUARD_BIND_MODE", "off"}, "BIND gate is off"),
                Arguments.of(new String[] {"MCPGUARD_NO_AUTH", "1"}, "MCPGUARD_NO_AUTH"),
                Arguments.of(new String[] {"MCPGUARD_TRUST_PROD_LOOPBACK", "on"}, "MCPGUARD_TRUST_PROD_LOOPBACK"),
                Arguments.of(new String[] {"MCPGUARD_ENV", "dev"}, "MCPGUARD_ENV=dev"),
                Arguments.of(new String[] {"MCPGUARD_ON_ERROR", "allow"}, "MCPGUARD_ON_ERROR=allow"),
                Arguments.of(new String[] {"MCPGUARD_ALLOWED_ORIGINS", "*"}, "MCPGUARD_ALLOWED_ORIGINS=*"),
                Arguments.of(new String[] {"MCPGUARD_ALLOWED_HOSTS", "*"}, "MCPGUARD_ALLOWED_HOSTS=*"),
                Arguments.of(new String[] {"MCPGUARD_PUBLIC_PATHS", "/docs"}, "MCPGUARD_PUBLIC_PATHS exempts /docs"),
                Arguments.of(new String[] {"MCPGUARD_MAX_BODY_BYTES", "5MiB"}, "MCPGUARD_MAX_BODY_BYTES=5MiB"),
                Arguments.of(new String[] {"MCPGUARD_BIND", "0.0.0.0"}, "MCPGUARD_BIND=0.0.0.0"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("relaxations")
    void everyRelaxationIsWarnedAbout(String[] env, String warning) {
        assertThat(load(env).relaxations()).singleElement().asString().contains(warning);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            MCPGUARD_PUBLIC_PATHS   | ''
            MCPGUARD_MAX_BODY_BYTES | 1KiB
            MCPGUARD_BIND           | ::1
            MCPGUARD_ALLOWED_HOSTS  | mcp.example.com
            MCPGUARD_LOOPBACK_PATHS | /inspector
            """)
    void stricterSettingsAreNoRelaxation(String knob, String value) {
        assertThat(load(knob, value).relaxations()).isEmpty();
    }

    @Test
    void theSummaryNeverContainsAToken() throws IOException {
        String digest = HexFormat.of().formatHex(AcceptedTokens.sha256("hashed-" + SECRET));
        Path file = file("file-" + SECRET + "\n");

        List<String> summary = load("MCPGUARD_TOKEN", "env-" + SECRET + ",other-" + SECRET,
                "MCPGUARD_TOKEN_FILE", file.toString(), "MCPGUARD_TOKEN_SHA256", digest).summary();

        assertThat(summary).isNotEmpty().noneMatch(line -> line.contains(SECRET) || line.contains(digest)
                || line.contains(digest.substring(0, 16)));
        assertThat(String.join("\n", summary)).contains("4 accepted token(s) <redacted>");
    }

    @Test
    void theSummarySaysWhenAuthFailsClosed() {
        assertThat(load().summary()).anyMatch(line -> line.contains("FAIL-CLOSED"));
        assertThat(load("MCPGUARD_NO_AUTH", "1").summary()).noneMatch(line -> line.contains("FAIL-CLOSED"));
    }
}
