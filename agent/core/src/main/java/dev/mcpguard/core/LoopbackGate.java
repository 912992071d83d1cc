package dev.mcpguard.core;

import dev.mcpguard.net.PathNormalizer;
import dev.mcpguard.net.PathPrefixes;
import dev.mcpguard.net.PeerAddresses;
import java.util.List;

/**
 * Serves developer-only paths to loopback peers only. "Loopback" is the socket peer: headers are
 * never read as an address, and a loopback peer that relays for someone else (it sends a
 * forwarding header) does not count unless the operator vouches for it.
 */
final class LoopbackGate implements Gate {
    private final PathPrefixes loopbackPaths;
    private final boolean prod;
    /** Besides any {@code x-forwarded-*}: what proxies, CDNs and tunnels add, lower case. */
    private static final String[] RELAY_HEADERS = {
        "forwarded", "via", "x-real-ip", "cf-connecting-ip", "true-client-ip", "x-client-ip",
        "x-cluster-client-ip", "fastly-client-ip", "x-original-forwarded-for", "x-proxyuser-ip",
    };

    private final boolean trustLoopback;
    private final String[] relayHeaders;

    /** @param moreRelayHeaders {@code MCPGUARD_RELAY_HEADERS}, lower case */
    LoopbackGate(PathPrefixes loopbackPaths, boolean prod, boolean trustLoopback, List<String> moreRelayHeaders) {
        this.loopbackPaths = loopbackPaths;
        this.prod = prod;
        this.trustLoopback = trustLoopback;
        this.relayHeaders = new String[RELAY_HEADERS.length + moreRelayHeaders.size()];
        System.arraycopy(RELAY_HEADERS, 0, relayHeaders, 0, RELAY_HEADERS.length);
        for (int i = 0; i < moreRelayHeaders.size(); i++) {
            relayHeaders[RELAY_HEADERS.length + i] = moreRelayHeaders.get(i);
        }
    }

    @Override
    public GateName name() {
        return GateName.LOOPBACK;
    }

    @Override
    public Reason check(RequestView request, String path, Verdict verdict) {
        if (loopbackPaths.isEmpty()) {
            return null;
        }
        // An unnormalizable path might reach a restricted resource on a lenient server.
        if (path != null && !loopbackPaths.matches(path) && !routedToRestrictedPrefix(request)) {
            return null;
        }
        if (prod && !trustLoopback) {
            return Reason.LOOPBACK_ONLY;
        }
        if (!PeerAddresses.isLoopback(request.peerAddress())) {
            return Reason.LOOPBACK_ONLY;
        }
        if (!trustLoopback && isRelayed(request)) {
            return Reason.LOOPBACK_ONLY;
        }
        return null;
    }

    private boolean routedToRestrictedPrefix(RequestView request) {
        String prefix = request.routedPrefix();
        if (prefix == null) {
            return false;
        }
        String normalized = PathNormalizer.normalize(prefix);
        return normalized == null || loopbackPaths.matches(normalized);
    }

    /**
     * A same-host proxy or tunnel announces itself with any of these headers, even empty, or
     * speaks a protocol that carries its client's address (PROXY protocol, AJP).
     */
    private boolean isRelayed(RequestView request) {
        if (request.relayedConnection() || request.hasHeaderStartingWith("x-forwarded-")) {
            return true;
        }
        for (String name : relayHeaders) {
            if (request.headerCount(name) > 0) {
                return true;
            }
        }
        return false;
    }
}
