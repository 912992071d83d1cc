package dev.mcpguard.core;

import dev.mcpguard.net.HostAllowList;
import dev.mcpguard.net.OriginAllowList;
import dev.mcpguard.net.PathPrefixes;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link Guard} is built from. The core owns no defaults: every value is given,
 * by the agent from the validated knobs.
 *
 * @param modes               a mode for every gate
 * @param tokens              the accepted static tokens, {@code null} when none is configured
 * @param jwt                 JWT validation, {@code null} when off; with no tokens either, auth fails closed
 * @param requiredScopes      scopes every authenticated request needs, empty for none
 * @param resourceMetadataUrl {@code resource_metadata} in challenges, {@code null} for none
 * @param metadata            the RFC 9728 document the agent serves, {@code null} for none
 * @param clock               what expiry is judged against
 * @param relayHeaders        header names, lower case, that mark a relay besides the contract's list
 * @param rate                the RATE gate's limits
 * @param sessionBinding      whether the MCP gate binds session ids to principals
 * @param toolScopes          tool name (or {@code *}) to the scopes it needs, {@code null} when tools are not restricted
 * @param nanoTime            the monotonic clock rates and session idleness are judged against
 */
public record GuardSettings(Map<GateName, GateMode> modes, long maxBodyBytes, BearerAuthenticator tokens,
                            BearerAuthenticator jwt, List<String> requiredScopes, String realm,
                            String resourceMetadataUrl, ResourceMetadata metadata, java.time.Clock clock,
                            PathPrefixes publicPaths, PathPrefixes loopbackPaths,
                            boolean prod, boolean trustProdLoopback, List<String> relayHeaders,
                            OriginAllowList origins, HostAllowList hosts, boolean denyOnError,
                            RateSettings rate, boolean sessionBinding, Map<String, List<String>> toolScopes,
                            java.util.function.LongSupplier nanoTime) {
    public GuardSettings {
        modes = Collections.unmodifiableMap(new EnumMap<>(modes));
        if (modes.size() != GateName.values().length) {
            throw new IllegalArgumentException("a mode for every gate is required: " + modes.keySet());
        }
        requiredScopes = List.copyOf(requiredScopes);
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(publicPaths, "publicPaths");
        Objects.requireNonNull(loopbackPaths, "loopbackPaths");
        relayHeaders = List.copyOf(relayHeaders);
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(rate, "rate");
        Objects.requireNonNull(nanoTime, "nanoTime");
    }

    public GateMode mode(GateName gate) {
        return modes.get(gate);
    }
}
