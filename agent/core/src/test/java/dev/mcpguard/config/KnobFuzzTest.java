package dev.mcpguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mcpguard.core.BindPolicy;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Guard;
import dev.mcpguard.core.RecordingSink;
import dev.mcpguard.oauth.JwtAuthenticator;
import dev.mcpguard.oauth.SigningKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile values, generated: every knob value either makes a configuration the agent starts
 * with — its guard, BIND policy and banner lines built without an exception — or is refused
 * with the one-line error naming the knob. What {@code check} calls valid therefore always starts.
 */
class KnobFuzzTest {
    private static final int VALUES_PER_KNOB = 2000;
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    /** Pieces of valid values, separators, and what breaks parsers: controls, other scripts, huge numbers. */
    private static final String[] FRAGMENTS = {
        ",", ", ", " ", "", ":", "::", "[", "]", "%", "%00", "%25", "/", "-", "*", ".", "..", "?", "#", "\"",
        "\\", "=", "+", "0", "1", "65535", "65536", "2147483648", "9223372036854775807", "99999999999999999999",
        "0x7f", "1e9", "KiB", "MiB", "GB", "B", "http://", "https://", "ftp://", "localhost", "127.0.0.1", "::1",
        "[::1]", "0.0.0.0", "fe80::1%lo", "%eth0", "::ffff:", "1-2", "/64", "/2147483648", "255.255.255.255",
        "256", "\u0000", "\n", "\r\n", "\t", "\u000b", "\u007f", "\u0085", "\u009b", "\u2028", "\u2029",
        "\ud800", "\udc00", "\ud83d\ude00", "\u0130", "\u0131", "\u212a", "\uff18\uff10", "\u0661", "\u00e9",
        "\ufeff", "\u200b", "enforce", "log-only", "off", "on", "yes", "true", "prod", "dev", "warn", "refuse",
        "deny", "allow", "json", "text", "/.well-known/oauth-protected-resource", "/inspector", "%2e%2e", "%2f",
        "x-forwarded-for", "token", "old,new", HEX, "null",
    };

    private static final Map<String, List<String>> SAMPLES = new HashMap<>();
    private static final List<Knob<?>> JWT_KNOBS = List.of(Knob.JWT_ISSUER, Knob.JWT_AUDIENCE, Knob.JWKS_URL,
            Knob.JWKS_FILE, Knob.JWT_ALGORITHMS, Knob.JWT_LEEWAY);
    private static final String JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"e1\","
            + "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";

    @TempDir
    static Path dir;

    private final RecordingSink sink = new RecordingSink();

    @BeforeAll
    static void samples() throws IOException {
        List<String> modes = List.of("enforce", "log-only", "off", " Enforce ");
        List<String> flags = List.of("1", "true", "yes", "on", "0", "false", "no", "off", "");
        for (Knob<?> knob : Knob.all()) {
            if (knob.envName().endsWith("_MODE")) {
                SAMPLES.put(knob.envName(), modes);
            }
        }
        SAMPLES.put("MCPGUARD_MAX_BODY_BYTES", List.of("4MiB", "1048576", "512 KiB", "10MB", "1"));
        SAMPLES.put("MCPGUARD_TOKEN", List.of("s3cret", "old,new", "a-b._~+/=", " x , y "));
        SAMPLES.put("MCPGUARD_TOKEN_FILE", List.of(tokenFile("t1\n# c\n\nt2\r\n"), tokenFile("only"),
                tokenFile(""), tokenFile("bad token\n"),
                tokenFile("t1 name=a expires=2030-01-01 scopes=x,y rate=5/s\nt2 expires=2020-01-01T00:00:00+02:00\n"), dir.toString(), dir.resolve("missing").toString()));
        SAMPLES.put("MCPGUARD_TOKEN_SHA256", List.of(HEX, HEX.toUpperCase() + "," + HEX));
        for (String flag : new String[] {"MCPGUARD_NO_AUTH", "MCPGUARD_TRUST_PROD_LOOPBACK", "MCPGUARD_LOG_ALLOWED",
                "MCPGUARD_SESSION_BINDING"}) {
            SAMPLES.put(flag, flags);
        }
        SAMPLES.put("MCPGUARD_REALM", List.of("mcp", "corp realm"));
        SAMPLES.put("MCPGUARD_RESOURCE_METADATA_URL", List.of("https://mcp.example/.well-known/oauth-protected-resource",
                "http://[::1]:8080/prm"));
        SAMPLES.put("MCPGUARD_RESOURCE", List.of("https://mcp.example.com/mcp", "http://127.0.0.1:8080", "https://[::1]:9/a/b"));
        SAMPLES.put("MCPGUARD_AUTHORIZATION_SERVERS", List.of("https://as.example.com", "http://127.0.0.1:9000,https://b.example/t1"));
        SAMPLES.put("MCPGUARD_SCOPES_SUPPORTED", List.of("mcp:read,mcp:tools", "openid"));
        SAMPLES.put("MCPGUARD_REQUIRED_SCOPES", List.of("mcp:tools", "a,b!#$%&'()*+-./:;<=>?@[]^_`{|}~"));
        SAMPLES.put("MCPGUARD_JWT_ISSUER", List.of("https://as.example.com/realms/mcp", "http://127.0.0.1:9000",
                "https://login.example/t/v2.0"));
        SAMPLES.put("MCPGUARD_JWT_AUDIENCE", List.of("https://mcp.example.com/mcp", "api://mcp,urn:x"));
        SAMPLES.put("MCPGUARD_JWKS_URL", List.of("https://as.example.com/jwks", "http://localhost:9000/oauth2/jwks"));
        SAMPLES.put("MCPGUARD_JWKS_FILE", List.of(tokenFile(JWKS), tokenFile("{\"keys\":[]}"), tokenFile("{}"),
                dir.resolve("missing").toString()));
        SAMPLES.put("MCPGUARD_JWT_ALGORITHMS", List.of("RS256,PS256,ES256,EdDSA", "ES384", "HS256", "none"));
        SAMPLES.put("MCPGUARD_JWT_LEEWAY", List.of("60s", "0ms", "5m", "1h", "2d"));
        SAMPLES.put("MCPGUARD_RATE_LIMIT", List.of("100/min", "5/s", "1/h", "999999999/s"));
        SAMPLES.put("MCPGUARD_RATE_BURST", List.of("1", "20", "999999999"));
        SAMPLES.put("MCPGUARD_RATE_REDIS_URL", List.of("redis://127.0.0.1:6379", "rediss://u:p%40ss@redis.example:6380/2",
                "redis://[::1]/0"));
        SAMPLES.put("MCPGUARD_RATE_REDIS_ON_ERROR", List.of("local", "allow", "deny"));
        SAMPLES.put("MCPGUARD_TOOL_SCOPES", List.of("search=mcp:read;deploy=mcp:admin ops;*=mcp:tools", "echo=",
                "a.b-c_d=x"));
        SAMPLES.put("MCPGUARD_PUBLIC_PATHS", List.of("/.well-known/oauth-protected-resource", "/a,/b", ""));
        SAMPLES.put("MCPGUARD_LOOPBACK_PATHS", List.of("/inspector", "/a, /b/c", "", "/"));
        SAMPLES.put("MCPGUARD_ENV", List.of("prod", "dev"));
        SAMPLES.put("MCPGUARD_RELAY_HEADERS", List.of("x-my-edge", "a,b"));
        SAMPLES.put("MCPGUARD_ALLOWED_ORIGINS", List.of("https://a.example:8443,http://[::1]", "*", "http://localhost"));
        SAMPLES.put("MCPGUARD_ALLOWED_HOSTS", List.of("localhost:8080,[::1],127.0.0.1,example.com", "*", "::1"));
        SAMPLES.put("MCPGUARD_BIND", List.of("127.0.0.1", "::1", "[::1]", "0.0.0.0", "::", "::1%lo", "::ffff:127.0.0.1",
                "10.1.2.3"));
        SAMPLES.put("MCPGUARD_BIND_PORTS", List.of("80,443,8080", "65535"));
        SAMPLES.put("MCPGUARD_UNGATED_LISTENERS", List.of("warn", "refuse"));
        SAMPLES.put("MCPGUARD_EGRESS_DENY", List.of("private,self", "private", "self,203.0.113.0/24", "10.0.0.0/8,fd00::/8",
                "169.254.169.254", "64:ff9b:1::/48"));
        SAMPLES.put("MCPGUARD_EGRESS_ALLOW", List.of("10.1.0.0/16", "db.internal:5432,*:443", "[fd00:ec2::254]:80",
                "10.0.0.1:6379,metadata.google.internal.:80"));
        SAMPLES.put("MCPGUARD_ON_ERROR", List.of("deny", "allow"));
        SAMPLES.put("MCPGUARD_LOG_FORMAT", List.of("json", "text"));
    }

    private static String tokenFile(String content) throws IOException {
        Path file = Files.createTempFile(dir, "tokens", ".txt");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file.toString();
    }

    static Stream<Knob<?>> knobs() {
        return Knob.all().stream();
    }

    @Test
    void everyKnobHasSamples() {
        for (Knob<?> knob : Knob.all()) {
            assertThat(SAMPLES).as("samples for a new knob").containsKey(knob.envName());
        }
    }

    @ParameterizedTest
    @MethodSource("knobs")
    void anyValueStartsOrIsTheKnobsOneLineError(Knob<?> knob) {
        Random random = new Random(knob.envName().hashCode());
        int valid = 0;
        for (int i = 0; i < VALUES_PER_KNOB; i++) {
            String value = hostile(random, SAMPLES.get(knob.envName()));
            Map<String, String> env = new HashMap<>();
            env.put(knob.envName(), value);
            if (knob == Knob.AUTHORIZATION_SERVERS || JWT_KNOBS.contains(knob)) {
                env.put(Knob.RESOURCE.envName(), "https://mcp.example.com/mcp"); // needed with it
            }
            if (JWT_KNOBS.contains(knob) && knob != Knob.JWT_ISSUER) {
                env.put(Knob.JWT_ISSUER.envName(), "https://as.example.com"); // needed with it
            }
            if (knob == Knob.RATE_BURST) {
                env.put(Knob.RATE_LIMIT.envName(), "100/min"); // needed with it
            }
            if (knob == Knob.RATE_REDIS_ON_ERROR) {
                env.put(Knob.RATE_REDIS_URL.envName(), "redis://127.0.0.1:6379"); // needed with it
            }
            if (random.nextInt(4) == 0) {
                // With another knob set too: values meet each other (NO_AUTH and the token knobs, say).
                Knob<?> other = Knob.all().get(random.nextInt(Knob.all().size()));
                env.putIfAbsent(other.envName(), hostile(random, SAMPLES.get(other.envName())));
            }
            valid += startsOrIsRefused(env) ? 1 : 0;
        }
        // Enough of both kinds that neither side of the property is vacuous.
        assertThat(valid).as("valid values among %s", VALUES_PER_KNOB).isBetween(VALUES_PER_KNOB / 50, VALUES_PER_KNOB - 50);
    }

    @ParameterizedTest
    @MethodSource("knobs")
    void aSystemPropertyIsNamedInItsError(Knob<?> knob) {
        Properties properties = new Properties();
        properties.setProperty(knob.propertyName(), "\u0000bad\nvalue\u2028,,");
        try {
            Config.load(new KnobSource(Map.of(), properties));
            fail("accepted for " + knob);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith("mcpguard: invalid " + knob.propertyName() + "=");
            assertOneLine(e.getMessage());
        }
    }

    /** @return whether the configuration is valid */
    private boolean startsOrIsRefused(Map<String, String> env) {
        Config config;
        try {
            config = Config.load(new KnobSource(env, new Properties()));
        } catch (ConfigException e) {
            String message = e.getMessage();
            assertOneLine(message);
            boolean named = false;
            for (Map.Entry<String, String> knob : env.entrySet()) {
                Knob<?> definition = definition(knob.getKey());
                String shown = definition.secret() ? "<redacted>: " : "\"";
                boolean refused = message.startsWith("mcpguard: invalid " + knob.getKey() + "=" + shown);
                if (refused && definition.secret()) {
                    // only a token file's error says more: which line is wrong, and how (never its text)
                    assertThat(message).as("a secret's error is the same whatever its value")
                            .matches(java.util.regex.Pattern.quote(secretError(definition))
                                    + (definition == Knob.TOKEN_FILE ? "( \\((line \\d+: .*|the file is not UTF-8 text)\\))?" : ""));
                }
                named |= refused;
            }
            assertThat(named).as("%s names a knob that was set, %s", message, env.keySet()).isTrue();
            assertThat(e.getCause()).isNull();
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("not the one-line error for " + printable(env), e);
        }
        try {
            // What the installer builds and prints at start.
            new Guard(config.guardSettings(config.acceptedTokens(), null, null), sink);
            if (config.jwt() != null) {
                new JwtAuthenticator(config.jwt(), new SigningKeys(), () -> { });
            }
            new BindPolicy(config.bindAddress(), config.bindPorts(), config.mode(GateName.BIND));
            config.summary().forEach(KnobFuzzTest::assertOneLine);
            config.relaxations().forEach(KnobFuzzTest::assertOneLine);
            config.fixedTokenEntries();
            config.tokenFileEntries().forEach(KnobFuzzTest::assertOneLine);
            config.credentialWarnings(System.currentTimeMillis()).forEach(KnobFuzzTest::assertOneLine);
        } catch (RuntimeException e) {
            throw new AssertionError("valid for check, but the agent would not start with " + printable(env), e);
        }
        return true;
    }

    /** The error for a secret knob whose value is a NUL: a value no secret error may show. */
    private static String secretError(Knob<?> knob) {
        try {
            knob.parse("\u0000");
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError(knob + " accepted a NUL");
    }

    private static Knob<?> definition(String envName) {
        for (Knob<?> knob : Knob.all()) {
            if (knob.envName().equals(envName)) {
                return knob;
            }
        }
        throw new AssertionError(envName);
    }

    private static void assertOneLine(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029) {
                fail("a line break or control character at %d in %s", i, printable(line));
            }
        }
    }

    /** A sample, mutated a few times; now and then very long. */
    private static String hostile(Random random, List<String> samples) {
        StringBuilder value = new StringBuilder(samples.get(random.nextInt(samples.size())));
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = value.length() == 0 ? 0 : random.nextInt(value.length() + 1);
            switch (random.nextInt(5)) {
                case 0:
                case 1:
                    value.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                    break;
                case 2:
                    if (at < value.length()) {
                        value.deleteCharAt(at);
                    }
                    break;
                case 3:
                    if (at < value.length()) {
                        value.setCharAt(at, (char) random.nextInt(0x3000));
                    }
                    break;
                default:
                    value.append(random.nextBoolean() ? "," : ",,").append(samples.get(random.nextInt(samples.size())));
                    break;
            }
        }
        if (random.nextInt(100) == 0) {
            String unit = value.length() == 0 ? "," : value.toString();
            StringBuilder huge = new StringBuilder();
            while (huge.length() < 100_000) {
                huge.append(unit);
            }
            return huge.toString();
        }
        return value.toString();
    }

    private static String printable(Object text) {
        StringBuilder out = new StringBuilder();
        String s = String.valueOf(text);
        for (int i = 0; i < Math.min(s.length(), 300); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.length() > 300 ? out + "..." : out.toString();
    }
}
