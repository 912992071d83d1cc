package dev.mcpguard.config;

import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.egress.AllowEntry;
import dev.mcpguard.net.HostAllowList;
import dev.mcpguard.net.OriginAllowList;
import dev.mcpguard.net.PathPrefixes;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Every knob the agent reads, each defined once: name, default, parser, description, secrecy.
 * Config parsing, {@code check}, {@code --help}, {@code attach}, the banner's list of knobs set
 * and README's knob table (checked by {@code ReadmeKnobTableTest}) all come from these
 * definitions: adding a knob is one definition here plus its use. Each knob is an environment variable {@code MCPGUARD_X_Y} or the
 * system property {@code mcpguard.x.y}; the system property wins.
 *
 * <p>A default is written as an operator would write the value and goes through the same
 * parser. A knob without one is unset until an operator sets it, and says what that means.
 *
 * @param <T> what the knob's parser makes of its value
 */
public final class Knob<T> {
    public static final Knob<GateMode> MODE = withDefault("MODE", "enforce", new Parser.Mode(),
            "`enforce`, `log-only` or `off`, for every gate");
    public static final Knob<GateMode> PATH_MODE = gateMode(GateName.PATH);
    public static final Knob<GateMode> LOOPBACK_MODE = gateMode(GateName.LOOPBACK);
    public static final Knob<GateMode> ORIGIN_MODE = gateMode(GateName.ORIGIN);
    public static final Knob<GateMode> AUTH_MODE = gateMode(GateName.AUTH);
    public static final Knob<GateMode> RATE_MODE = gateMode(GateName.RATE);
    public static final Knob<GateMode> MCP_MODE = gateMode(GateName.MCP);
    public static final Knob<GateMode> BODY_MODE = gateMode(GateName.BODY);
    public static final Knob<GateMode> BIND_MODE = gateMode(GateName.BIND);
    /** Not set by {@code MCPGUARD_MODE}: refusing the application's own connections is opted into. */
    public static final Knob<GateMode> EGRESS_MODE = withDefault("EGRESS_MODE", "off", new Parser.Mode(),
            "the EGRESS gate's mode: `enforce` refuses the application's outbound connections (TCP connects, UDP "
                    + "datagrams) to `MCPGUARD_EGRESS_DENY`, decided on the address actually connected; `log-only` "
                    + "logs them; not set by `MCPGUARD_MODE`");
    public static final Knob<Long> MAX_BODY_BYTES = withDefault("MAX_BODY_BYTES", "4MiB", new ByteSize(),
            "largest request body: a positive integer, optional unit `B`, `KiB`, `MiB`, `GiB`, `KB`, `MB`, `GB`");
    public static final Knob<List<String>> TOKEN = secret("TOKEN", new Parser.Tokens(),
            "accepted bearer tokens, comma-separated (rotation: `old,new`)");
    public static final Knob<List<TokenFile.Entry>> TOKEN_FILE = secret("TOKEN_FILE", new Parser.TokenFileEntries(),
            "file of accepted tokens, one a line: `<token> [name=<label>] [expires=<YYYY-MM-DD or RFC 3339 instant>] "
                    + "[scopes=<s1>,<s2>] [rate=<n>/<s, min or h>]`, attributes in any order (`#` and blank lines "
                    + "ignored; a date is valid through that day, UTC); re-read every second: no token line accepts no "
                    + "token, a file missing for more than 10 s accepts none, a malformed line keeps the last good set; "
                    + "missing or malformed at start is invalid");
    public static final Knob<List<byte[]>> TOKEN_SHA256 = secret("TOKEN_SHA256", new Parser.Sha256Digests(),
            "hex SHA-256 digests of accepted tokens, comma-separated");
    public static final Knob<Boolean> NO_AUTH = withDefault("NO_AUTH", "off", new Parser.Flag(),
            "flag: explicit opt-out of authentication (warned at start)");
    public static final Knob<String> REALM = withDefault("REALM", "mcp", new Parser.Realm(),
            "realm in `WWW-Authenticate`");
    public static final Knob<String> RESOURCE_METADATA_URL = unset("RESOURCE_METADATA_URL", "unset",
            new Parser.MetadataUrl(),
            "an absolute http(s) URL; adds `resource_metadata=\"…\"` to `WWW-Authenticate` (RFC 9728)");
    public static final Knob<String> RESOURCE = unset("RESOURCE", "unset", new Parser.ResourceUrl(),
            "this server's resource identifier, the URL clients use (`https://mcp.example.com/mcp`): the metadata's "
                    + "`resource` and JWTs' default audience");
    public static final Knob<List<String>> AUTHORIZATION_SERVERS = unset("AUTHORIZATION_SERVERS", "unset",
            new Parser.SecureUrls(), "issuer URLs, comma-separated; when set, the agent serves the RFC 9728 metadata "
                    + "(needs `MCPGUARD_RESOURCE`)");
    public static final Knob<List<String>> SCOPES_SUPPORTED = unset("SCOPES_SUPPORTED", "unset", new Parser.Scopes(),
            "`scopes_supported` in that metadata, comma-separated");
    public static final Knob<List<String>> REQUIRED_SCOPES = unset("REQUIRED_SCOPES", "unset", new Parser.Scopes(),
            "scopes every authenticated request needs, comma-separated; a token without them gets 403 "
                    + "`insufficient_scope`");
    public static final Knob<String> JWT_ISSUER = unset("JWT_ISSUER", "unset", new Parser.SecureUrl(false),
            "issuer (`iss`, exact) of accepted JWT access tokens; setting it turns JWT validation on: a bearer shaped "
                    + "like a JWS is then judged as a JWT only");
    public static final Knob<List<String>> JWT_AUDIENCE = unset("JWT_AUDIENCE", "`MCPGUARD_RESOURCE`",
            new Parser.Audiences(), "accepted `aud` values, comma-separated; JWT validation needs one (MCP: tokens "
                    + "must be issued for this server)");
    public static final Knob<String> JWKS_URL = unset("JWKS_URL", "the issuer's metadata `jwks_uri`",
            new Parser.SecureUrl(true), "https URL of the JWT signing keys, a JWKS (http only to a loopback host); unset, "
                    + "the issuer's RFC 8414 or OpenID metadata names them; refreshed every 10 minutes and on an unknown "
                    + "`kid` (at most every 30 s)");
    public static final Knob<java.nio.file.Path> JWKS_FILE = unset("JWKS_FILE", "unset", new Parser.JwksFile(),
            "a local JWKS file instead of `MCPGUARD_JWKS_URL`, re-read when it changes");
    public static final Knob<List<String>> JWT_ALGORITHMS = withDefault("JWT_ALGORITHMS", "RS256,PS256,ES256,EdDSA",
            new Parser.Algorithms(), "accepted JWS `alg` values, comma-separated; `none` and `HS*` are never accepted");
    public static final Knob<Long> JWT_LEEWAY = withDefault("JWT_LEEWAY", "60s", new DurationMillis(),
            "clock skew allowed on `exp` and `nbf`: `<n>ms`, `s`, `m`, `h` or `d`");
    public static final Knob<dev.mcpguard.core.Rate> RATE_LIMIT = unset("RATE_LIMIT", "unset (only token file "
            + "`rate=` entries are limited)", new Parser.RateLimit(),
            "`<n>/s`, `<n>/min` or `<n>/h` per principal; a request without one (public paths, `NO_AUTH`) counts "
                    + "against its client address (IPv6: its /64); over it: 429 `rate_limited` with `Retry-After`");
    public static final Knob<Long> RATE_BURST = unset("RATE_BURST", "`<n>` of the limit", new Parser.Count(),
            "the bucket size: requests a principal may send at once before the rate applies");
    public static final Knob<java.net.URI> RATE_REDIS_URL = secret("RATE_REDIS_URL", new Parser.RedisUrl(),
            "`redis://[user:password@]host[:port][/db]` or `rediss://…`: buckets shared by every instance through "
                    + "Redis, so N replicas share one limit");
    public static final Knob<String> RATE_REDIS_ON_ERROR = withDefault("RATE_REDIS_ON_ERROR", "local",
            new Parser.Words("local", "allow", "deny"),
            "Redis unreachable: `local` (this instance's own buckets), `allow` or `deny` (503 `gate_error`)");
    public static final Knob<Boolean> SESSION_BINDING = unset("SESSION_BINDING", "on when auth is on",
            new Parser.Flag(), "flag: an `Mcp-Session-Id` belongs to the first principal to present it; another "
                    + "principal presenting it gets 403 `session_mismatch`");
    public static final Knob<java.util.Map<String, List<String>>> TOOL_SCOPES = unset("TOOL_SCOPES",
            "unset (any tool)", new Parser.ToolScopes(),
            "`<tool>=<scope> <scope>;<tool>=…;*=<scope>`: the scopes a `tools/call` of each tool needs (`*`: every "
                    + "other tool; without `*` an unlisted tool is refused), read from the JSON-RPC body as the "
                    + "application reads it; lacking one: 403 `insufficient_scope`");
    public static final Knob<PathPrefixes> PUBLIC_PATHS = withDefault("PUBLIC_PATHS",
            "/.well-known/oauth-protected-resource", new Parser.Prefixes(false),
            "path prefixes exempt from auth only (empty = none)");
    public static final Knob<PathPrefixes> LOOPBACK_PATHS = withDefault("LOOPBACK_PATHS", "", new Parser.Prefixes(true),
            "path prefixes served only to loopback peers");
    public static final Knob<Boolean> ENV = withDefault("ENV", "prod", new Parser.Choice("prod", "dev"),
            "`prod` or `dev`");
    public static final Knob<Boolean> TRUST_PROD_LOOPBACK = withDefault("TRUST_PROD_LOOPBACK", "off", new Parser.Flag(),
            "flag: loopback peers, same-host proxies included, may reach loopback paths in prod (warned at start)");
    public static final Knob<List<String>> RELAY_HEADERS = unset("RELAY_HEADERS", "unset", new Parser.HeaderNames(),
            "more header names that mark a loopback peer as a relay, comma-separated");
    public static final Knob<OriginAllowList> ALLOWED_ORIGINS = unset("ALLOWED_ORIGINS", "loopback origins",
            new Parser.Origins(), "origins `scheme://host[:port]`, comma-separated, or `*`");
    public static final Knob<HostAllowList> ALLOWED_HOSTS = unset("ALLOWED_HOSTS",
            "loopback names on a loopback listener, else any", new Parser.Hosts(),
            "host names or IP literals, port optional, comma-separated, or `*`");
    public static final Knob<String> BIND = withDefault("BIND", "127.0.0.1", new Parser.IpLiteral(),
            "an IP literal (no host names, ranges or prefix lengths): the widest address a server socket may listen on");
    public static final Knob<int[]> BIND_PORTS = unset("BIND_PORTS", "all", new Parser.Ports(),
            "comma-separated ports whose binds the BIND gate governs");
    public static final Knob<Boolean> UNGATED_LISTENERS = withDefault("UNGATED_LISTENERS", "warn",
            new Parser.Choice("warn", "refuse"),
            "a listening socket no gated server owns: `warn` (one ERROR line) or `refuse` (its bind fails; a Netty "
                    + "listener's connections are closed)");
    public static final Knob<List<String>> EGRESS_DENY = withDefault("EGRESS_DENY", "private,self",
            new Parser.EgressDeny(), "destinations the EGRESS gate refuses, comma-separated: `private` (loopback, RFC "
                    + "1918, link-local with the cloud metadata addresses, CGNAT, ULA, multicast and other non-public "
                    + "space, and IPv4 inside IPv4-mapped and NAT64 addresses), `self` (this host's own addresses, "
                    + "public ones included, re-read every 10 s) and IPv4/IPv6 addresses or CIDR blocks");
    public static final Knob<List<AllowEntry>> EGRESS_ALLOW = unset("EGRESS_ALLOW", "unset",
            new Parser.EgressAllow(), "destinations always allowed (the application's own database, say), "
                    + "comma-separated: CIDR blocks or addresses on any port, `host:port` (the name the application "
                    + "connects by, or an address; IPv6 in brackets), `*:port`");
    public static final Knob<Boolean> ON_ERROR = withDefault("ON_ERROR", "deny", new Parser.Choice("deny", "allow"),
            "a gate that fails internally: `deny` (503) or `allow`; a server version the agent does not fit is refused "
                    + "either way");
    public static final Knob<Boolean> LOG_ALLOWED = withDefault("LOG_ALLOWED", "off", new Parser.Flag(),
            "flag: log allowed requests too");
    public static final Knob<Boolean> LOG_FORMAT = withDefault("LOG_FORMAT", "json", new Parser.Choice("json", "text"),
            "`json` or `text`");

    private static final List<Knob<?>> ALL = Collections.unmodifiableList(Arrays.asList(
            MODE, PATH_MODE, LOOPBACK_MODE, ORIGIN_MODE, AUTH_MODE, RATE_MODE, MCP_MODE, BODY_MODE, BIND_MODE, EGRESS_MODE,
            MAX_BODY_BYTES,
            TOKEN, TOKEN_FILE, TOKEN_SHA256, NO_AUTH, REALM, RESOURCE_METADATA_URL, RESOURCE, AUTHORIZATION_SERVERS,
            SCOPES_SUPPORTED, REQUIRED_SCOPES, JWT_ISSUER, JWT_AUDIENCE, JWKS_URL, JWKS_FILE, JWT_ALGORITHMS,
            JWT_LEEWAY, RATE_LIMIT, RATE_BURST, RATE_REDIS_URL, RATE_REDIS_ON_ERROR, SESSION_BINDING, TOOL_SCOPES, PUBLIC_PATHS, LOOPBACK_PATHS,
            ENV, TRUST_PROD_LOOPBACK, RELAY_HEADERS, ALLOWED_ORIGINS, ALLOWED_HOSTS, BIND, BIND_PORTS,
            UNGATED_LISTENERS, EGRESS_DENY, EGRESS_ALLOW, ON_ERROR, LOG_ALLOWED, LOG_FORMAT));

    private final String envName;
    private final String propertyName;
    private final String defaultValue;
    private final String whenUnset;
    private final Parser<T> parser;
    private final String description;
    private final boolean secret;

    private Knob(String name, String defaultValue, String whenUnset, Parser<T> parser, String description,
                 boolean secret) {
        this.envName = "MCPGUARD_" + name;
        this.propertyName = "mcpguard." + name.toLowerCase(Locale.ROOT).replace('_', '.');
        this.defaultValue = defaultValue;
        this.whenUnset = whenUnset;
        this.parser = parser;
        this.description = description;
        this.secret = secret;
    }

    private static <T> Knob<T> withDefault(String name, String defaultValue, Parser<T> parser, String description) {
        return new Knob<>(name, defaultValue, null, parser, description, false);
    }

    private static <T> Knob<T> unset(String name, String whenUnset, Parser<T> parser, String description) {
        return new Knob<>(name, null, whenUnset, parser, description, false);
    }

    /** Unset by default, and its value never shown. */
    private static <T> Knob<T> secret(String name, Parser<T> parser, String description) {
        return new Knob<>(name, null, "unset", parser, description, true);
    }

    private static Knob<GateMode> gateMode(GateName gate) {
        return unset(gate.name() + "_MODE", "the global mode", new Parser.Mode(),
                "the " + gate.name() + " gate's mode, overriding `MCPGUARD_MODE` for it");
    }

    /** Every knob, in the order {@code --help} and README list them. */
    public static List<Knob<?>> all() {
        return ALL;
    }

    /** {@code MCPGUARD_<GATE>_MODE}. */
    public static Knob<GateMode> modeOf(GateName gate) {
        // The per-gate knobs follow MODE in GateName order.
        @SuppressWarnings("unchecked")
        Knob<GateMode> knob = (Knob<GateMode>) ALL.get(1 + gate.ordinal());
        return knob;
    }

    public String envName() {
        return envName;
    }

    public String propertyName() {
        return propertyName;
    }

    /** Token knobs: their values never appear in any output. */
    public boolean secret() {
        return secret;
    }

    /** The default as an operator would write it, or {@code null} for a knob that is unset by default. */
    public String defaultValue() {
        return defaultValue;
    }

    /** {@link #defaultValue()} parsed, or {@code null} for a knob that is unset by default. */
    public T parsedDefault() {
        return defaultValue == null ? null : parse(defaultValue);
    }

    /** What the knob means while unset (markdown), or {@code null} when it has a {@link #defaultValue()}. */
    public String whenUnset() {
        return whenUnset;
    }

    /** What the knob does and what it takes (markdown: values in backticks). */
    public String description() {
        return description;
    }

    /**
     * The knob's value from {@code source}: its default when unset, {@code null} for a knob
     * without one.
     *
     * @throws ConfigException naming this knob when the value is invalid
     */
    public T read(KnobSource source) {
        String value = source.get(this);
        if (value != null) {
            return parse(value);
        }
        return parsedDefault();
    }

    /**
     * @throws ConfigException naming this knob, the only exception any value can cause
     */
    public T parse(String value) {
        T parsed;
        String reason = null;
        try {
            parsed = parser.parse(value);
        } catch (Parser.Invalid invalid) {
            parsed = null;
            reason = invalid.getMessage();
        } catch (RuntimeException malformed) {
            // Whatever a hostile value makes a parser throw, the operator sees the one line.
            parsed = null;
        }
        if (parsed == null) {
            throw ConfigException.invalid(this, value,
                    parser.expected(value) + (reason == null ? "" : " (" + reason + ")"));
        }
        return parsed;
    }

    @Override
    public String toString() {
        return envName;
    }
}
