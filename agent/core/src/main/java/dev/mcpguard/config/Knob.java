package dev.mcpguard.config;

import java.util.Locale;

/**
 * Every knob the agent reads. Each is an environment variable {@code MCPGUARD_X_Y} or the system
 * property {@code mcpguard.x.y}; the system property wins.
 */
public enum Knob {
    MODE("enforce", "enforce, log-only or off, for every gate"),
    PATH_MODE("MCPGUARD_MODE", "mode of the PATH gate"),
    LOOPBACK_MODE("MCPGUARD_MODE", "mode of the LOOPBACK gate"),
    ORIGIN_MODE("MCPGUARD_MODE", "mode of the ORIGIN gate"),
    AUTH_MODE("MCPGUARD_MODE", "mode of the AUTH gate"),
    BODY_MODE("MCPGUARD_MODE", "mode of the BODY gate"),
    BIND_MODE("MCPGUARD_MODE", "mode of the BIND gate"),
    MAX_BODY_BYTES("4MiB", "largest request body, e.g. 1048576, 512KiB, 4 MiB, 10MB"),
    TOKEN(true, "unset", "accepted bearer tokens, comma-separated (rotation: old,new)"),
    TOKEN_FILE(true, "unset", "file of accepted tokens, one a line"),
    TOKEN_SHA256(true, "unset", "hex SHA-256 digests of accepted tokens, comma-separated"),
    NO_AUTH("off", "flag: explicit opt-out of bearer auth"),
    REALM("mcp", "realm in WWW-Authenticate"),
    RESOURCE_METADATA_URL("unset", "absolute http(s) URL for resource_metadata in WWW-Authenticate"),
    PUBLIC_PATHS("/.well-known/oauth-protected-resource", "path prefixes exempt from AUTH only"),
    LOOPBACK_PATHS("unset", "path prefixes served only to loopback peers"),
    ENV("prod", "prod or dev"),
    TRUST_PROD_LOOPBACK("off", "flag: loopback peers, relays included, may reach loopback paths in prod"),
    RELAY_HEADERS("unset", "more header names that mark a loopback peer as a relay, comma-separated"),
    ALLOWED_ORIGINS("loopback origins", "origins scheme://host[:port], comma-separated, or *"),
    ALLOWED_HOSTS("loopback names on a loopback listener, else any", "host names or IP literals, port optional, or *"),
    BIND("127.0.0.1", "widest IP address a server socket may listen on"),
    BIND_PORTS("all", "ports whose binds the BIND gate governs, comma-separated"),
    UNGATED_LISTENERS("warn", "a listening socket no gated server family owns: warn (one ERROR line) or refuse (the bind fails)"),
    ON_ERROR("deny", "a gate that fails internally: deny (503) or allow"),
    LOG_ALLOWED("off", "flag: log allowed requests too"),
    LOG_FORMAT("json", "json or text");

    private final boolean secret;
    private final String defaultDescription;
    private final String meaning;

    Knob(String defaultDescription, String meaning) {
        this(false, defaultDescription, meaning);
    }

    Knob(boolean secret, String defaultDescription, String meaning) {
        this.secret = secret;
        this.defaultDescription = defaultDescription;
        this.meaning = meaning;
    }

    public String envName() {
        return "MCPGUARD_" + name();
    }

    public String propertyName() {
        return "mcpguard." + name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** Token knobs: their values never appear in any output. */
    public boolean secret() {
        return secret;
    }

    public String defaultDescription() {
        return defaultDescription;
    }

    public String meaning() {
        return meaning;
    }
}
