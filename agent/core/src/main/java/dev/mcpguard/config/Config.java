package dev.mcpguard.config;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.core.BearerAuthenticator;
import dev.mcpguard.core.ResourceMetadata;
import java.time.Clock;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.egress.AddressRange;
import dev.mcpguard.egress.AllowEntry;
import dev.mcpguard.egress.EgressPolicy;
import dev.mcpguard.egress.HostAddresses;
import dev.mcpguard.core.GuardSettings;
import dev.mcpguard.core.RateSettings;
import dev.mcpguard.core.SharedBuckets;
import dev.mcpguard.net.HostAllowList;
import dev.mcpguard.net.OriginAllowList;
import dev.mcpguard.net.PathPrefixes;
import dev.mcpguard.net.PeerAddresses;
import dev.mcpguard.oauth.JwtPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Set;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The validated knobs, immutable, built in one pass from the {@link Knob} definitions.
 * {@link #load} throws a {@link ConfigException} for the first invalid knob.
 */
public final class Config {
    /** What the banner, {@code check} and {@code attach} say when {@link #authFailsClosed()}. */
    public static final String FAIL_CLOSED_WARNING = "no token configured (MCPGUARD_TOKEN, MCPGUARD_TOKEN_FILE, "
            + "MCPGUARD_TOKEN_SHA256 or MCPGUARD_JWT_ISSUER): every non-public request is refused with 401; set "
            + "MCPGUARD_NO_AUTH=1 to opt out of authentication";

    private static final long EXPIRY_NOTICE_MILLIS = 7 * 86_400_000L;
    private static final List<PosixFilePermission> OPEN = List.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final GateMode[] modes;
    private final long maxBodyBytes;
    private final List<byte[]> fixedSha256Digests;
    private final Path tokenFile;
    /** Tokens as set; digested only when used ({@link Parser.Tokens} says why). */
    private final List<String> fixedTokens;
    /** {@code null} without a token file. */
    private final List<TokenFile.Entry> fileEntries;
    /** {@code rw-r--r--} when group or others may read or write the token file, else {@code null}. */
    private final String tokenFileOpenMode;
    private final List<String> tokenSources;
    private final boolean noAuth;
    private final String realm;
    private final String resourceMetadataUrl;
    private final String resource;
    private final List<String> authorizationServers;
    private final List<String> scopesSupported;
    private final List<String> requiredScopes;
    private final JwtPolicy jwt;
    private final dev.mcpguard.core.Rate rateLimit;
    private final long rateBurst;
    private final java.net.URI redisUrl;
    private final String redisOnError;
    private final boolean sessionBinding;
    private final Map<String, List<String>> toolScopes;
    private final PathPrefixes publicPaths;
    private final PathPrefixes loopbackPaths;
    private final boolean prod;
    private final boolean trustProdLoopback;
    private final List<String> relayHeaders;
    private final OriginAllowList origins;
    private final HostAllowList hosts;
    private final String bind;
    private final int[] bindPorts;
    private final boolean refuseUngatedListeners;
    private final List<String> egressDeny;
    private final List<AllowEntry> egressAllow;
    private final boolean denyOnError;
    private final boolean logAllowed;
    private final boolean jsonLog;
    private final List<String> unknownKnobs;
    private final List<String> setKnobs;

    private Config(KnobSource source) {
        GateMode global = Knob.MODE.read(source);
        modes = new GateMode[GateName.values().length];
        for (GateName gate : GateName.values()) {
            GateMode mode = Knob.modeOf(gate).read(source);
            modes[gate.ordinal()] = mode == null ? global : mode;
        }
        maxBodyBytes = Knob.MAX_BODY_BYTES.read(source);

        List<String> sources = new ArrayList<>();
        List<byte[]> fixed = new ArrayList<>();
        List<String> fromToken = Knob.TOKEN.read(source);
        fixedTokens = fromToken == null ? List.of() : fromToken;
        if (fromToken != null) {
            sources.add(Knob.TOKEN.envName());
        }
        fileEntries = Knob.TOKEN_FILE.read(source);
        tokenFile = fileEntries == null ? null : Path.of(source.get(Knob.TOKEN_FILE));
        if (tokenFile != null) {
            sources.add(Knob.TOKEN_FILE.envName());
        }
        tokenFileOpenMode = tokenFile == null ? null : openMode(tokenFile);
        List<byte[]> fromSha256 = Knob.TOKEN_SHA256.read(source);
        if (fromSha256 != null) {
            fixed.addAll(fromSha256);
            sources.add(Knob.TOKEN_SHA256.envName());
        }
        fixedSha256Digests = Collections.unmodifiableList(fixed);
        tokenSources = Collections.unmodifiableList(sources);
        noAuth = Knob.NO_AUTH.read(source);
        realm = Knob.REALM.read(source);
        resource = Knob.RESOURCE.read(source);
        jwt = jwtPolicy(source, resource);
        if (noAuth && (!tokenSources.isEmpty() || jwt != null)) {
            List<String> credentials = new ArrayList<>(tokenSources);
            if (jwt != null) {
                credentials.add(Knob.JWT_ISSUER.envName());
            }
            throw ConfigException.invalid(Knob.NO_AUTH, source.get(Knob.NO_AUTH),
                    "off while a credential knob (" + String.join(", ", credentials) + ") is set: choose one");
        }
        authorizationServers = orEmpty(Knob.AUTHORIZATION_SERVERS.read(source));
        if (!authorizationServers.isEmpty() && resource == null) {
            throw ConfigException.invalid(Knob.AUTHORIZATION_SERVERS, source.get(Knob.AUTHORIZATION_SERVERS),
                    "set together with MCPGUARD_RESOURCE, the URL the metadata describes");
        }
        scopesSupported = orEmpty(Knob.SCOPES_SUPPORTED.read(source));
        requiredScopes = orEmpty(Knob.REQUIRED_SCOPES.read(source));
        String metadataUrl = Knob.RESOURCE_METADATA_URL.read(source);
        resourceMetadataUrl = metadataUrl != null || authorizationServers.isEmpty() ? metadataUrl
                : ResourceMetadata.urlOf(resource);
        rateLimit = Knob.RATE_LIMIT.read(source);
        Long burst = Knob.RATE_BURST.read(source);
        if (burst != null && rateLimit == null) {
            throw ConfigException.invalid(Knob.RATE_BURST, source.get(Knob.RATE_BURST),
                    "MCPGUARD_RATE_LIMIT too: a burst is the bucket size of that limit");
        }
        rateBurst = burst != null ? burst : rateLimit != null ? rateLimit.permits() : 0;
        redisUrl = Knob.RATE_REDIS_URL.read(source);
        redisOnError = Knob.RATE_REDIS_ON_ERROR.read(source);
        if (redisUrl == null && source.get(Knob.RATE_REDIS_ON_ERROR) != null) {
            throw ConfigException.invalid(Knob.RATE_REDIS_ON_ERROR, source.get(Knob.RATE_REDIS_ON_ERROR),
                    "MCPGUARD_RATE_REDIS_URL too: it says what to do when that Redis is unreachable");
        }
        Boolean binding = Knob.SESSION_BINDING.read(source);
        sessionBinding = binding != null ? binding : !noAuth;
        toolScopes = Knob.TOOL_SCOPES.read(source);
        publicPaths = Knob.PUBLIC_PATHS.read(source);
        loopbackPaths = Knob.LOOPBACK_PATHS.read(source);
        prod = Knob.ENV.read(source);
        trustProdLoopback = Knob.TRUST_PROD_LOOPBACK.read(source);
        List<String> moreRelayHeaders = Knob.RELAY_HEADERS.read(source);
        relayHeaders = moreRelayHeaders == null ? List.of() : moreRelayHeaders;
        OriginAllowList allowedOrigins = Knob.ALLOWED_ORIGINS.read(source);
        origins = allowedOrigins == null ? OriginAllowList.loopbackDefault() : allowedOrigins;
        HostAllowList allowedHosts = Knob.ALLOWED_HOSTS.read(source);
        hosts = allowedHosts == null ? HostAllowList.loopbackDefault() : allowedHosts;
        bind = Knob.BIND.read(source);
        bindPorts = Knob.BIND_PORTS.read(source);
        refuseUngatedListeners = !Knob.UNGATED_LISTENERS.read(source);
        egressDeny = Knob.EGRESS_DENY.read(source);
        List<AllowEntry> allow = Knob.EGRESS_ALLOW.read(source);
        egressAllow = allow == null ? List.of() : allow;
        denyOnError = Knob.ON_ERROR.read(source);
        logAllowed = Knob.LOG_ALLOWED.read(source);
        jsonLog = Knob.LOG_FORMAT.read(source);
        unknownKnobs = source.unknownNames();
        List<String> set = new ArrayList<>();
        for (Knob<?> knob : Knob.all()) {
            String value = source.get(knob);
            if (value != null) {
                set.add(source.origin(knob) + "=" + (knob.secret() ? "<redacted>" : ConfigException.printable(value)));
            }
        }
        setKnobs = Collections.unmodifiableList(set);
    }

    /** JWT validation as the knobs set it, or {@code null} when {@code MCPGUARD_JWT_ISSUER} is unset. */
    private static JwtPolicy jwtPolicy(KnobSource source, String resource) {
        String issuer = Knob.JWT_ISSUER.read(source);
        List<Knob<?>> jwtKnobs = List.of(Knob.JWT_AUDIENCE, Knob.JWKS_URL, Knob.JWKS_FILE, Knob.JWT_ALGORITHMS,
                Knob.JWT_LEEWAY);
        if (issuer == null) {
            for (Knob<?> knob : jwtKnobs) {
                if (source.get(knob) != null) {
                    // an operator who set it expects JWTs to be judged: say they are not
                    throw ConfigException.invalid(knob, source.get(knob),
                            "MCPGUARD_JWT_ISSUER too, which turns JWT validation on");
                }
            }
            return null;
        }
        List<String> audiences = Knob.JWT_AUDIENCE.read(source);
        if (audiences == null && resource == null) {
            throw ConfigException.invalid(Knob.JWT_ISSUER, issuer, "an audience too, MCPGUARD_JWT_AUDIENCE or "
                    + "MCPGUARD_RESOURCE: a token must be issued for this server");
        }
        String jwksUrl = Knob.JWKS_URL.read(source);
        Path jwksFile = Knob.JWKS_FILE.read(source);
        if (jwksUrl != null && jwksFile != null) {
            throw ConfigException.invalid(Knob.JWKS_FILE, source.get(Knob.JWKS_FILE),
                    "one source of keys: MCPGUARD_JWKS_FILE or MCPGUARD_JWKS_URL, not both");
        }
        return new JwtPolicy(issuer, audiences == null ? List.of(resource) : audiences,
                Knob.JWT_ALGORITHMS.read(source), Knob.JWT_LEEWAY.read(source), jwksUrl, jwksFile);
    }

    /** Whether the agent may fetch keys from the URL (a metadata's {@code jwks_uri}): https, or http to a loopback host. */
    public static boolean isSecureUrl(String url) {
        return Parser.secureUrl(url, true) != null;
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    public static Config load(KnobSource source) {
        try {
            return new Config(source);
        } catch (ConfigException e) {
            throw e.namedAs(source);
        }
    }

    public GateMode mode(GateName gate) {
        return modes[gate.ordinal()];
    }

    /** The modes the gates run in: the knobs', with AUTH off under {@code MCPGUARD_NO_AUTH}. */
    public Map<GateName, GateMode> gateModes() {
        Map<GateName, GateMode> effective = new EnumMap<>(GateName.class);
        for (GateName gate : GateName.values()) {
            effective.put(gate, modes[gate.ordinal()]);
        }
        if (noAuth) {
            effective.put(GateName.AUTH, GateMode.OFF);
        }
        return effective;
    }

    /**
     * What the guard is built from.
     *
     * @param tokens from {@link #acceptedTokens()}: the set a token file watcher refreshes, if any
     * @param jwt    JWT validation, {@code null} when off
     * @param shared the rate buckets shared through {@link #redisUrl()}, {@code null} without
     */
    public GuardSettings guardSettings(AcceptedTokens tokens, BearerAuthenticator jwt, SharedBuckets shared) {
        RateSettings rate = new RateSettings(rateLimit, rateBurst, shared, redisOnError());
        return new GuardSettings(gateModes(), maxBodyBytes, tokens, jwt, requiredScopes, realm, resourceMetadataUrl,
                resourceMetadata(), Clock.systemUTC(), publicPaths, loopbackPaths, prod, trustProdLoopback,
                relayHeaders, origins, hosts, denyOnError, rate, sessionBinding, toolScopes, System::nanoTime);
    }

    /** {@code MCPGUARD_RATE_REDIS_ON_ERROR}: what the RATE gate does while {@link #redisUrl()} cannot answer. */
    public RateSettings.OnSharedError redisOnError() {
        return RateSettings.OnSharedError.valueOf(redisOnError.toUpperCase(java.util.Locale.ROOT));
    }

    /** {@code MCPGUARD_RATE_REDIS_URL}, or {@code null}: never printed, it may hold a password. */
    public java.net.URI redisUrl() {
        return redisUrl;
    }

    /** The RFC 9728 document the agent serves, or {@code null} without {@code MCPGUARD_AUTHORIZATION_SERVERS}. */
    public ResourceMetadata resourceMetadata() {
        return authorizationServers.isEmpty() ? null
                : new ResourceMetadata(resource, authorizationServers, scopesSupported);
    }

    /** {@code MCPGUARD_RESOURCE}, or {@code null}. */
    public String resource() {
        return resource;
    }

    public List<String> authorizationServers() {
        return authorizationServers;
    }

    /** JWT validation, or {@code null} when off. */
    public JwtPolicy jwt() {
        return jwt;
    }

    public List<String> requiredScopes() {
        return requiredScopes;
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * A new set of the tokens accepted at start, or {@code null} when no token knob is set. The
     * guard and the token file watcher share one; this configuration never changes with it.
     */
    public AcceptedTokens acceptedTokens() {
        if (tokenSources.isEmpty()) {
            return null;
        }
        List<AcceptedTokens.Entry> all = fixedTokenEntries();
        for (TokenFile.Entry entry : fileTokenEntries()) {
            all.add(entry.accepted());
        }
        return AcceptedTokens.of(all);
    }

    /** {@code MCPGUARD_TOKEN_FILE}, or {@code null}: the agent re-reads it when it changes. */
    public Path tokenFile() {
        return tokenFile;
    }

    /** The token file's entries as read at start; empty without one. */
    public List<TokenFile.Entry> fileTokenEntries() {
        return fileEntries == null ? List.of() : fileEntries;
    }

    /**
     * The tokens of {@code MCPGUARD_TOKEN} and {@code MCPGUARD_TOKEN_SHA256}, which a file reload
     * keeps: known by their digest alone, each named by it.
     */
    public List<AcceptedTokens.Entry> fixedTokenEntries() {
        List<AcceptedTokens.Entry> entries = new ArrayList<>();
        for (String token : fixedTokens) {
            entries.add(AcceptedTokens.Entry.anonymous(AcceptedTokens.sha256(token)));
        }
        for (byte[] digest : fixedSha256Digests) {
            entries.add(AcceptedTokens.Entry.anonymous(digest));
        }
        return entries;
    }

    /** The permissions as {@code ls} shows them when group or others may read or write the file, else {@code null}. */
    private static String openMode(Path file) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return null; // a file system without POSIX permissions: nothing to say
        }
        for (PosixFilePermission open : OPEN) {
            if (permissions.contains(open)) {
                return PosixFilePermissions.toString(permissions);
            }
        }
        return null;
    }

    /** One line per token file entry as read at start (name, expiry, scopes, rate), never the token. */
    public List<String> tokenFileEntries() {
        List<String> lines = new ArrayList<>();
        for (TokenFile.Entry entry : fileTokenEntries()) {
            lines.add(entry.describe());
        }
        return lines;
    }

    /**
     * What the operator should fix or know about the static tokens, one WARN line each: the token
     * file readable by others, without a token line, entries sharing a name, entries expired or
     * expiring within 7 days, and tokens without a scope {@code MCPGUARD_REQUIRED_SCOPES} asks for.
     */
    public List<String> credentialWarnings(long nowMillis) {
        List<String> warnings = new ArrayList<>();
        if (!requiredScopes.isEmpty() && (!fixedTokens.isEmpty() || !fixedSha256Digests.isEmpty())) {
            warnings.add("MCPGUARD_REQUIRED_SCOPES is set, but the tokens of MCPGUARD_TOKEN and MCPGUARD_TOKEN_SHA256 "
                    + "carry no scopes: every request with one gets 403 insufficient_scope (give tokens scopes= in "
                    + "MCPGUARD_TOKEN_FILE)");
        }
        if (tokenFile == null) {
            return warnings;
        }
        if (tokenFileOpenMode != null) {
            warnings.add("MCPGUARD_TOKEN_FILE " + ConfigException.printable(tokenFile.toString())
                    + " is readable or writable by group or others (" + tokenFileOpenMode + "): chmod 600 "
                    + ConfigException.printable(tokenFile.toString()));
        }
        if (fileEntries.isEmpty()) {
            warnings.add("MCPGUARD_TOKEN_FILE has no token line: it accepts no token");
        }
        Map<String, Integer> firstLineOfName = new HashMap<>();
        for (TokenFile.Entry entry : fileEntries) {
            String name = entry.principalName();
            Integer first = firstLineOfName.putIfAbsent(name, entry.line());
            if (first != null) {
                warnings.add("token file lines " + first + " and " + entry.line() + " share the name " + name
                        + ": decision lines cannot tell them apart");
            }
            if (!entry.scopes().containsAll(requiredScopes)) {
                warnings.add("token file line " + entry.line() + " (" + name + ") lacks a scope MCPGUARD_REQUIRED_SCOPES "
                        + "asks for (" + String.join(",", requiredScopes) + "): requests with it get 403 "
                        + "insufficient_scope");
            }
            long expiresAt = entry.expiresAtMillis();
            if (expiresAt <= nowMillis) {
                warnings.add("token file line " + entry.line() + " (" + name + ") expired at "
                        + Instant.ofEpochMilli(expiresAt) + ": it is refused");
            } else if (expiresAt - nowMillis <= EXPIRY_NOTICE_MILLIS) {
                warnings.add("token file line " + entry.line() + " (" + name + ") expires within 7 days, at "
                        + Instant.ofEpochMilli(expiresAt));
            }
        }
        return warnings;
    }

    public boolean noAuth() {
        return noAuth;
    }

    /** No token, no JWT validation and no explicit opt-out: every non-public request is refused. */
    public boolean authFailsClosed() {
        return tokenSources.isEmpty() && jwt == null && !noAuth;
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

    /** {@code MCPGUARD_BIND}, canonical: IPv6 in brackets. */
    public String bind() {
        return bind;
    }

    /** {@link #bind()} as an address; made only when needed, since InetAddress is costly to initialize. */
    public InetAddress bindAddress() {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("MCPGUARD_BIND was validated as an address of this host: " + bind, e);
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

    /** Whether the EGRESS gate's hooks are installed: its mode is not {@code off}. */
    public boolean egressOn() {
        return modes[GateName.EGRESS.ordinal()] != GateMode.OFF;
    }

    /** Whether the EGRESS gate refuses this host's own addresses ({@code self}). */
    public boolean egressDeniesSelf() {
        return egressDeny.contains("self");
    }

    /**
     * The EGRESS gate's policy; {@code private} expanded.
     *
     * @param self this host's addresses when {@link #egressDeniesSelf()}, else {@code null}
     */
    public EgressPolicy egressPolicy(HostAddresses self) {
        return new EgressPolicy(modes[GateName.EGRESS.ordinal()], egressRanges(), self, egressAllow);
    }

    private List<AddressRange> egressRanges() {
        List<AddressRange> ranges = new ArrayList<>();
        for (String entry : egressDeny) {
            if (entry.equals("private")) {
                ranges.addAll(EgressPolicy.privateRanges());
            } else if (!entry.equals("self")) {
                ranges.add(AddressRange.parse(entry));
            }
        }
        return ranges;
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

    /** The knobs set, in definition order, as {@code name=value} (secrets redacted, one line each). */
    public List<String> setKnobs() {
        return setKnobs;
    }

    private int tokenCount() {
        return fixedTokens.size() + fixedSha256Digests.size() + fileTokenEntries().size();
    }

    /** One WARN line each: every way this configuration is weaker than the defaults. */
    public List<String> relaxations() {
        List<String> warnings = new ArrayList<>();
        for (GateName gate : GateName.values()) {
            GateMode mode = modes[gate.ordinal()];
            if (gate == GateName.EGRESS && mode == GateMode.OFF) {
                continue; // off unless asked for (design §12): the default, not a relaxation
            }
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
        if (redisUrl != null && redisOnError.equals("allow")) {
            warnings.add("MCPGUARD_RATE_REDIS_ON_ERROR=allow: while Redis is unreachable, requests are not rate-limited");
        }
        if (redisUrl != null && redisUrl.getScheme().equalsIgnoreCase("redis")
                && !PeerAddresses.isLoopback(redisUrl.getHost()) && !"localhost".equalsIgnoreCase(redisUrl.getHost())) {
            warnings.add("MCPGUARD_RATE_REDIS_URL is redis:// to a host that is not loopback: the password and "
                    + "bucket keys (principal names, client addresses) cross the network in clear; rediss:// uses TLS");
        }
        if (!sessionBinding && !noAuth) {
            warnings.add("MCPGUARD_SESSION_BINDING is off: any authenticated principal may use any session id");
        }
        if (origins.isAny()) {
            warnings.add("MCPGUARD_ALLOWED_ORIGINS=*: any web origin may call this server (null still refused)");
        }
        if (hosts.isAny()) {
            warnings.add("MCPGUARD_ALLOWED_HOSTS=*: no DNS-rebinding check on Host");
        }
        if (!publicPaths.toString().equals(Knob.PUBLIC_PATHS.parsedDefault().toString())
                && !publicPaths.isEmpty()) {
            warnings.add("MCPGUARD_PUBLIC_PATHS exempts " + publicPaths + " from authentication");
        }
        long defaultMaxBodyBytes = Knob.MAX_BODY_BYTES.parsedDefault();
        if (maxBodyBytes > defaultMaxBodyBytes) {
            warnings.add("MCPGUARD_MAX_BODY_BYTES=" + ByteSize.format(maxBodyBytes) + " is above the default "
                    + ByteSize.format(defaultMaxBodyBytes));
        }
        if (!PeerAddresses.isLoopback(bind)) {
            warnings.add("MCPGUARD_BIND=" + bind + ": server sockets may listen beyond loopback");
        }
        if (egressOn() && !egressDeny.contains("private")) {
            warnings.add("MCPGUARD_EGRESS_DENY=" + String.join(",", egressDeny) + " leaves out `private`: the application "
                    + "may connect to loopback, RFC 1918 and link-local (cloud metadata) addresses outside those blocks");
        }
        if (egressOn() && !egressDeniesSelf()) {
            warnings.add("MCPGUARD_EGRESS_DENY=" + String.join(",", egressDeny) + " leaves out `self`: the application may "
                    + "connect to this host's own addresses, and so to what listens on 0.0.0.0 or [::] here");
        }
        if (egressOn() && !egressAllow.isEmpty()) {
            warnings.add("MCPGUARD_EGRESS_ALLOW lets the application connect to " + egressAllow.stream()
                    .map(AllowEntry::toString).collect(Collectors.joining(", ")) + " whatever MCPGUARD_EGRESS_DENY says");
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
                : !tokenSources.isEmpty()
                        ? tokenCount() + " accepted token(s) <redacted> from " + String.join(", ", tokenSources)
                        + (jwt == null ? "" : " and JWTs")
                : jwt != null ? "JWTs only" : "FAIL-CLOSED, no token configured")
                + ", realm=" + realm
                + (resourceMetadataUrl == null ? "" : ", resource_metadata=" + resourceMetadataUrl)
                + ", public paths=" + publicPaths);
        if (jwt != null) {
            lines.add("jwt: issuer=" + jwt.issuer() + ", audiences=" + String.join(",", jwt.audiences())
                    + ", keys from " + jwt.keySource() + ", algorithms=" + String.join(",", jwt.algorithms())
                    + ", leeway=" + DurationMillis.format(jwt.leewayMillis()));
        }
        lines.add("rate: " + (rateLimit == null ? "no limit but token file rate= entries"
                : "limit=" + rateLimit + ", burst=" + rateBurst)
                + ", buckets=" + (redisUrl == null ? "this instance's" : "shared through Redis <redacted> (on error: "
                + redisOnError + ")"));
        lines.add("mcp: session binding=" + (sessionBinding ? "on" : "off") + ", tool scopes="
                + (toolScopes == null ? "any tool" : toolScopes.entrySet().stream()
                        .map(e -> e.getKey() + "=" + String.join(" ", e.getValue())).collect(Collectors.joining(";"))
                        + (toolScopes.containsKey("*") ? "" : " (other tools refused)")));
        lines.add("body: max " + ByteSize.format(maxBodyBytes) + " (" + maxBodyBytes + " bytes)");
        lines.add("loopback: paths=" + loopbackPaths + ", env=" + (prod ? "prod" : "dev")
                + ", trust prod loopback=" + (trustProdLoopback ? "on" : "off")
                + (relayHeaders.isEmpty() ? "" : ", more relay headers=" + String.join(",", relayHeaders)));
        lines.add("origin: allowed origins=" + origins + "; allowed hosts=" + hosts);
        lines.add("bind: " + bind + ", ports=" + (bindPorts == null ? "all" : Arrays.toString(bindPorts))
                + ", ungated listeners=" + (refuseUngatedListeners ? "refuse" : "warn"));
        lines.add("egress: " + (!egressOn() ? "off (MCPGUARD_EGRESS_MODE)"
                : modes[GateName.EGRESS.ordinal()].knobValue() + ", deny " + egressRanges().stream()
                        .map(AddressRange::toString).collect(Collectors.joining(","))
                        + (egressDeny.contains("private")
                                ? " (private" + (egressDeny.size() > (egressDeniesSelf() ? 2 : 1) ? " and more" : "") + ")" : "")
                        + (egressDeniesSelf() ? " and this host's own addresses" : "")
                        + ", allow " + (egressAllow.isEmpty() ? "none" : egressAllow.stream()
                        .map(AllowEntry::toString).collect(Collectors.joining(",")))));
        lines.add("on error: " + (denyOnError ? "deny (503)" : "allow") + ", log: " + (jsonLog ? "json" : "text")
                + (logAllowed ? ", allowed requests too" : ", refusals only"));
        return lines;
    }
}
