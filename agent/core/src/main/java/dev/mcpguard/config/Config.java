package dev.mcpguard.config;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.net.Ascii;
import dev.mcpguard.net.BearerCredentials;
import dev.mcpguard.net.HostAllowList;
import dev.mcpguard.net.OriginAllowList;
import dev.mcpguard.net.PathPrefixes;
import dev.mcpguard.net.PeerAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The validated knobs, immutable. {@link #load} reads every knob once at start and throws a
 * {@link ConfigException} for the first invalid one.
 */
public final class Config {
    static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
    static final String DEFAULT_PUBLIC_PATHS = "/.well-known/oauth-protected-resource";

    /** What the banner, {@code check} and {@code attach} say when {@link #authFailsClosed()}. */
    public static final String FAIL_CLOSED_WARNING = "no token configured (MCPGUARD_TOKEN, MCPGUARD_TOKEN_FILE or "
            + "MCPGUARD_TOKEN_SHA256): every non-public request is refused with 401; set MCPGUARD_NO_AUTH=1 to opt out "
            + "of authentication";

    private final GateMode[] modes = new GateMode[GateName.values().length];
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private AcceptedTokens tokens;
    private final List<byte[]> fixedTokenDigests = new ArrayList<>();
    private Path tokenFile;
    private final List<String> tokenSources = new ArrayList<>();
    private boolean noAuth;
    private String realm = "mcp";
    private String resourceMetadataUrl;
    private PathPrefixes publicPaths;
    private PathPrefixes loopbackPaths;
    private boolean prod = true;
    private boolean trustProdLoopback;
    private List<String> relayHeaders = List.of();
    private OriginAllowList origins = OriginAllowList.loopbackDefault();
    private HostAllowList hosts = HostAllowList.loopbackDefault();
    private String bind = "127.0.0.1";
    private int[] bindPorts;
    private boolean denyOnError = true;
    private boolean refuseUngatedListeners;
    private boolean logAllowed;
    private boolean jsonLog = true;
    private List<String> unknownKnobs = List.of();

    private Config() {
    }

    public static Config load(KnobSource source) {
        Config config = new Config();
        try {
            config.read(source);
        } catch (ConfigException e) {
            throw e.namedAs(source);
        }
        return config;
    }

    private void read(KnobSource source) {
        GateMode global = GateMode.ENFORCE;
        String value = source.get(Knob.MODE);
        if (value != null) {
            global = mode(Knob.MODE, value);
        }
        for (GateName gate : GateName.values()) {
            Knob knob = Knob.valueOf(gate.name() + "_MODE");
            String gateValue = source.get(knob);
            modes[gate.ordinal()] = gateValue == null ? global : mode(knob, gateValue);
        }
        if ((value = source.get(Knob.MAX_BODY_BYTES)) != null) {
            maxBodyBytes = ByteSize.parse(Knob.MAX_BODY_BYTES, value);
        }
        readTokens(source);
        noAuth = flag(source, Knob.NO_AUTH);
        if (noAuth && tokens != null) {
            throw ConfigException.invalid(Knob.NO_AUTH, source.get(Knob.NO_AUTH),
                    "off while a token knob (" + String.join(", ", tokenSources) + ") is set: choose one");
        }
        if ((value = source.get(Knob.REALM)) != null) {
            realm = realm(value);
        }
        if ((value = source.get(Knob.RESOURCE_METADATA_URL)) != null) {
            resourceMetadataUrl = metadataUrl(value);
        }
        value = source.get(Knob.PUBLIC_PATHS);
        publicPaths = prefixes(Knob.PUBLIC_PATHS, value == null ? DEFAULT_PUBLIC_PATHS : value, false);
        value = source.get(Knob.LOOPBACK_PATHS);
        loopbackPaths = prefixes(Knob.LOOPBACK_PATHS, value == null ? "" : value, true);
        if ((value = source.get(Knob.ENV)) != null) {
            prod = choice(Knob.ENV, value, "prod", "dev");
        }
        trustProdLoopback = flag(source, Knob.TRUST_PROD_LOOPBACK);
        if ((value = source.get(Knob.RELAY_HEADERS)) != null) {
            relayHeaders = headerNames(Knob.RELAY_HEADERS, value);
        }
        if ((value = source.get(Knob.ALLOWED_ORIGINS)) != null) {
            origins = origins(value);
        }
        if ((value = source.get(Knob.ALLOWED_HOSTS)) != null) {
            hosts = hosts(value);
        }
        if ((value = source.get(Knob.BIND)) != null) {
            bind = PeerAddresses.canonicalLiteral(value.trim());
            if (bind == null) {
                throw ConfigException.invalid(Knob.BIND, value, "an IPv4 or IPv6 address literal, such as 127.0.0.1, ::1 or 0.0.0.0");
            }
        }
        if ((value = source.get(Knob.BIND_PORTS)) != null) {
            bindPorts = ports(value);
        }
        if ((value = source.get(Knob.UNGATED_LISTENERS)) != null) {
            refuseUngatedListeners = !choice(Knob.UNGATED_LISTENERS, value, "warn", "refuse");
        }
        if ((value = source.get(Knob.ON_ERROR)) != null) {
            denyOnError = choice(Knob.ON_ERROR, value, "deny", "allow");
        }
        logAllowed = flag(source, Knob.LOG_ALLOWED);
        if ((value = source.get(Knob.LOG_FORMAT)) != null) {
            jsonLog = choice(Knob.LOG_FORMAT, value, "json", "text");
        }
        unknownKnobs = source.unknownNames();
    }

    private void readTokens(KnobSource source) {
        List<byte[]> digests = new ArrayList<>();
        String value = source.get(Knob.TOKEN);
        if (value != null) {
            String allowed = "one or more bearer tokens (RFC 6750 b64token), comma-separated";
            for (String token : nonEmptyList(Knob.TOKEN, value, allowed)) {
                if (!BearerCredentials.isToken(token, 0, token.length())) {
                    throw ConfigException.invalid(Knob.TOKEN, value, allowed);
                }
                fixedTokenDigests.add(AcceptedTokens.sha256(token));
            }
            tokenSources.add(Knob.TOKEN.envName());
        }
        if ((value = source.get(Knob.TOKEN_FILE)) != null) {
            tokenFile = Path.of(value);
            digests.addAll(TokenFile.read(Knob.TOKEN_FILE, value));
            tokenSources.add(Knob.TOKEN_FILE.envName());
        }
        if ((value = source.get(Knob.TOKEN_SHA256)) != null) {
            String allowed = "comma-separated hex SHA-256 digests (64 hex digits each)";
            for (String hex : nonEmptyList(Knob.TOKEN_SHA256, value, allowed)) {
                byte[] digest = hex(hex);
                if (digest == null) {
                    throw ConfigException.invalid(Knob.TOKEN_SHA256, value, allowed);
                }
                fixedTokenDigests.add(digest);
            }
            tokenSources.add(Knob.TOKEN_SHA256.envName());
        }
        digests.addAll(fixedTokenDigests);
        tokens = tokenSources.isEmpty() ? null : AcceptedTokens.of(digests);
    }

    private static GateMode mode(Knob knob, String value) {
        GateMode mode = GateMode.fromKnobValue(value);
        if (mode == null) {
            throw ConfigException.invalid(knob, value, "enforce, log-only or off");
        }
        return mode;
    }

    /** Flags: 1/true/yes/on, or 0/false/no/off/empty, any case. */
    private static boolean flag(KnobSource source, Knob knob) {
        String value = source.get(knob);
        if (value == null) {
            return false;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1":
            case "true":
            case "yes":
            case "on":
                return true;
            case "":
            case "0":
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw ConfigException.invalid(knob, value, "a flag: 1, true, yes, on or 0, false, no, off, empty");
        }
    }

    /** @return {@code true} for the first choice, {@code false} for the second */
    private static boolean choice(Knob knob, String value, String first, String second) {
        String v = value.trim();
        if (v.equalsIgnoreCase(first)) {
            return true;
        }
        if (v.equalsIgnoreCase(second)) {
            return false;
        }
        throw ConfigException.invalid(knob, value, first + " or " + second);
    }

    private static String realm(String value) {
        boolean valid = !value.isEmpty();
        for (int i = 0; i < value.length() && valid; i++) {
            char c = value.charAt(i);
            valid = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        }
        if (!valid) {
            throw ConfigException.invalid(Knob.REALM, value, "printable ASCII without quotes or backslashes");
        }
        return value;
    }

    private static String metadataUrl(String value) {
        String allowed = "an absolute http or https URL";
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            boolean valid = uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                    && value.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\');
            if (!valid) {
                throw ConfigException.invalid(Knob.RESOURCE_METADATA_URL, value, allowed);
            }
            return value;
        } catch (URISyntaxException e) {
            throw ConfigException.invalid(Knob.RESOURCE_METADATA_URL, value, allowed);
        }
    }

    private static PathPrefixes prefixes(Knob knob, String value, boolean ignoreCase) {
        try {
            return PathPrefixes.of(list(value), ignoreCase);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(knob, value, "comma-separated path prefixes, each starting with / (empty for none)");
        }
    }

    private static OriginAllowList origins(String value) {
        if (value.trim().equals("*")) {
            return OriginAllowList.any();
        }
        try {
            return OriginAllowList.of(list(value));
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(Knob.ALLOWED_ORIGINS, value, "comma-separated origins scheme://host[:port], or *");
        }
    }

    private static HostAllowList hosts(String value) {
        if (value.trim().equals("*")) {
            return HostAllowList.any();
        }
        try {
            return HostAllowList.of(list(value));
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(Knob.ALLOWED_HOSTS, value, "comma-separated host names or IP literals, port optional, or *");
        }
    }

    /** Field names (RFC 9110 tokens), lower-cased: the gates compare them ignoring case. */
    private static List<String> headerNames(Knob knob, String value) {
        String allowed = "comma-separated header field names";
        List<String> names = nonEmptyList(knob, value, allowed);
        List<String> lowerCase = new ArrayList<>(names.size());
        for (String name : names) {
            for (int i = 0; i < name.length(); i++) {
                if (!Ascii.isTokenChar(name.charAt(i))) {
                    throw ConfigException.invalid(knob, value, allowed);
                }
            }
            lowerCase.add(name.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(lowerCase);
    }

    private static int[] ports(String value) {
        String allowed = "comma-separated ports 1-65535";
        List<String> entries = nonEmptyList(Knob.BIND_PORTS, value, allowed);
        int[] ports = new int[entries.size()];
        for (int i = 0; i < ports.length; i++) {
            try {
                ports[i] = Integer.parseInt(entries.get(i));
            } catch (NumberFormatException e) {
                ports[i] = -1;
            }
            if (ports[i] < 1 || ports[i] > 65535) {
                throw ConfigException.invalid(Knob.BIND_PORTS, value, allowed);
            }
        }
        Arrays.sort(ports);
        return ports;
    }

    private static List<String> nonEmptyList(Knob knob, String value, String allowed) {
        try {
            List<String> entries = list(value);
            if (!entries.isEmpty()) {
                return entries;
            }
        } catch (IllegalArgumentException e) {
            // an empty entry: reported below like any other malformed value
        }
        throw ConfigException.invalid(knob, value, allowed);
    }

    /** Comma-separated, each entry trimmed; empty for an empty value; an empty entry is an error. */
    static List<String> list(String value) {
        if (value.trim().isEmpty()) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        for (String entry : value.split(",", -1)) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("empty entry");
            }
            entries.add(trimmed);
        }
        return entries;
    }

    private static byte[] hex(String text) {
        if (text.length() != 64) {
            return null;
        }
        byte[] bytes = new byte[32];
        for (int i = 0; i < 32; i++) {
            int high = Ascii.hexDigit(text.charAt(2 * i));
            int low = Ascii.hexDigit(text.charAt(2 * i + 1));
            if (high < 0 || low < 0) {
                return null;
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        return bytes;
    }

    public GateMode mode(GateName gate) {
        return modes[gate.ordinal()];
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The accepted tokens, or {@code null} when no token knob is set. */
    public AcceptedTokens tokens() {
        return tokens;
    }

    /** {@code MCPGUARD_TOKEN_FILE}, or {@code null}: the agent re-reads it when it changes. */
    public Path tokenFile() {
        return tokenFile;
    }

    /** The digests of {@code MCPGUARD_TOKEN} and {@code MCPGUARD_TOKEN_SHA256}, which a file reload keeps. */
    public List<byte[]> fixedTokenDigests() {
        List<byte[]> copy = new ArrayList<>();
        for (byte[] digest : fixedTokenDigests) {
            copy.add(digest.clone());
        }
        return copy;
    }

    /**
     * Reads a token file as {@code MCPGUARD_TOKEN_FILE} is read at start.
     *
     * @throws ConfigException when it is unreadable, empty or holds a malformed token
     */
    public static List<byte[]> readTokenFile(Path file) {
        return TokenFile.read(Knob.TOKEN_FILE, file.toString());
    }

    public boolean noAuth() {
        return noAuth;
    }

    /** No token and no explicit opt-out: every non-public request is refused. */
    public boolean authFailsClosed() {
        return tokens == null && !noAuth;
    }

    public String realm() {
        return realm;
    }

    public String resourceMetadataUrl() {
        return resourceMetadataUrl;
    }

    public PathPrefixes publicPaths() {
        return publicPaths;
    }

    public PathPrefixes loopbackPaths() {
        return loopbackPaths;
    }

    public boolean prod() {
        return prod;
    }

    public boolean trustProdLoopback() {
        return trustProdLoopback;
    }

    /** Header names, lower case, that mark a relay besides the contract's own list. */
    public List<String> relayHeaders() {
        return relayHeaders;
    }

    public OriginAllowList origins() {
        return origins;
    }

    public HostAllowList hosts() {
        return hosts;
    }

    public String bind() {
        return bind;
    }

    /** {@link #bind()} as an address (a literal: no name lookup happens). */
    public InetAddress bindAddress() {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a validated IP literal did not parse: " + bind, e);
        }
    }

    /** The governed ports, sorted, or {@code null} for all. */
    public int[] bindPorts() {
        return bindPorts == null ? null : bindPorts.clone();
    }

    /** {@code MCPGUARD_UNGATED_LISTENERS=refuse}: a listener no gated server family owns fails to bind. */
    public boolean refuseUngatedListeners() {
        return refuseUngatedListeners;
    }

    public boolean denyOnError() {
        return denyOnError;
    }

    public boolean logAllowed() {
        return logAllowed;
    }

    public boolean jsonLog() {
        return jsonLog;
    }

    public List<String> unknownKnobs() {
        return unknownKnobs;
    }

    /** One WARN line each: every way this configuration is weaker than the defaults. */
    public List<String> relaxations() {
        List<String> warnings = new ArrayList<>();
        for (GateName gate : GateName.values()) {
            GateMode mode = modes[gate.ordinal()];
            if (mode != GateMode.ENFORCE) {
                warnings.add(gate.name() + " gate is " + mode.knobValue() + ": its refusals are "
                        + (mode == GateMode.OFF ? "not even logged" : "logged, not enforced"));
            }
        }
        if (noAuth) {
            warnings.add("MCPGUARD_NO_AUTH is on: bearer authentication is disabled, every caller is accepted");
        }
        if (trustProdLoopback) {
            warnings.add("MCPGUARD_TRUST_PROD_LOOPBACK is on: loopback peers, same-host proxies included, reach loopback paths");
        }
        if (!prod) {
            warnings.add("MCPGUARD_ENV=dev: loopback paths are served to direct loopback peers");
        }
        if (!denyOnError) {
            warnings.add("MCPGUARD_ON_ERROR=allow: a request whose gate fails internally is let through");
        }
        if (origins.isAny()) {
            warnings.add("MCPGUARD_ALLOWED_ORIGINS=*: any web origin may call this server (null still refused)");
        }
        if (hosts.isAny()) {
            warnings.add("MCPGUARD_ALLOWED_HOSTS=*: no DNS-rebinding check on Host");
        }
        if (!publicPaths.toString().equals(DEFAULT_PUBLIC_PATHS) && !publicPaths.isEmpty()) {
            warnings.add("MCPGUARD_PUBLIC_PATHS exempts " + publicPaths + " from authentication");
        }
        if (maxBodyBytes > DEFAULT_MAX_BODY_BYTES) {
            warnings.add("MCPGUARD_MAX_BODY_BYTES=" + ByteSize.format(maxBodyBytes) + " is above the default "
                    + ByteSize.format(DEFAULT_MAX_BODY_BYTES));
        }
        if (!PeerAddresses.isLoopback(bind)) {
            warnings.add("MCPGUARD_BIND=" + bind + ": server sockets may listen beyond loopback");
        }
        return Collections.unmodifiableList(warnings);
    }

    /** The effective configuration, secrets redacted, one {@code name=value} each. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        StringBuilder gateModes = new StringBuilder("modes:");
        for (GateName gate : GateName.values()) {
            gateModes.append(' ').append(gate.id()).append('=').append(modes[gate.ordinal()].knobValue());
        }
        lines.add(gateModes.toString());
        lines.add("auth: " + (noAuth ? "disabled (MCPGUARD_NO_AUTH)"
                : tokens == null ? "FAIL-CLOSED, no token configured"
                : tokens.size() + " accepted token(s) <redacted> from " + String.join(", ", tokenSources))
                + ", realm=" + realm
                + (resourceMetadataUrl == null ? "" : ", resource_metadata=" + resourceMetadataUrl)
                + ", public paths=" + publicPaths);
        lines.add("body: max " + ByteSize.format(maxBodyBytes) + " (" + maxBodyBytes + " bytes)");
        lines.add("loopback: paths=" + loopbackPaths + ", env=" + (prod ? "prod" : "dev")
                + ", trust prod loopback=" + (trustProdLoopback ? "on" : "off")
                + (relayHeaders.isEmpty() ? "" : ", more relay headers=" + String.join(",", relayHeaders)));
        lines.add("origin: allowed origins=" + origins + "; allowed hosts=" + hosts);
        lines.add("bind: " + bind + ", ports=" + (bindPorts == null ? "all" : Arrays.toString(bindPorts))
                + ", ungated listeners=" + (refuseUngatedListeners ? "refuse" : "warn"));
        lines.add("on error: " + (denyOnError ? "deny (503)" : "allow") + ", log: " + (jsonLog ? "json" : "text")
                + (logAllowed ? ", allowed requests too" : ", refusals only"));
        return lines;
    }

    /** Reads {@code MCPGUARD_TOKEN_FILE}: one token a line; blank and {@code #} lines ignored. */
    static final class TokenFile {
        private static final String ALLOWED =
                "a readable file with one bearer token (RFC 6750 b64token) a line, blank and # lines ignored";

        private TokenFile() {
        }

        static List<byte[]> read(Knob knob, String file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw ConfigException.invalid(knob, file, ALLOWED);
            }
            List<byte[]> digests = new ArrayList<>();
            for (String line : lines) {
                String token = line.strip();
                if (token.isEmpty() || token.startsWith("#")) {
                    continue;
                }
                if (!BearerCredentials.isToken(token, 0, token.length())) {
                    throw ConfigException.invalid(knob, file, ALLOWED);
                }
                digests.add(AcceptedTokens.sha256(token));
            }
            if (digests.isEmpty()) {
                throw ConfigException.invalid(knob, file, ALLOWED);
            }
            return digests;
        }
    }
}
