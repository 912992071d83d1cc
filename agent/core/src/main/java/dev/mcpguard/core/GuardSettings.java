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
 * @param tokens              the accepted tokens, {@code null} when none is configured (fail closed)
 * @param resourceMetadataUrl {@code null} for none
 * @param relayHeaders        header names, lower case, that mark a relay besides the contract's list
 */
public record GuardSettings(Map<GateName, GateMode> modes, long maxBodyBytes, AcceptedTokens tokens, String realm,
                            String resourceMetadataUrl, PathPrefixes publicPaths, PathPrefixes loopbackPaths,
                            boolean prod, boolean trustProdLoopback, List<String> relayHeaders,
                            OriginAllowList origins, HostAllowList hosts, boolean denyOnError) {
    public GuardSettings {
        modes = Collections.unmodifiableMap(new EnumMap<>(modes));
        if (modes.size() != GateName.values().length) {
            throw new IllegalArgumentException("a mode for every gate is required: " + modes.keySet());
        }
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(publicPaths, "publicPaths");
        Objects.requireNonNull(loopbackPaths, "loopbackPaths");
        relayHeaders = List.copyOf(relayHeaders);
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(hosts, "hosts");
    }

    public GateMode mode(GateName gate) {
        return modes.get(gate);
    }
}
