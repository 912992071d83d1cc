package dev.mcpguard.core;

import java.util.Locale;

/**
 * The gates, in the order a request meets them; BIND acts on server sockets and EGRESS on the
 * application's outbound connections, not on requests.
 */
public enum GateName {
    PATH,
    LOOPBACK,
    ORIGIN,
    AUTH,
    RATE,
    MCP,
    BODY,
    BIND,
    EGRESS;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in refusal bodies and logs. */
    public String id() {
        return id;
    }
}
