package dev.mcpguard.core;

import dev.mcpguard.net.PathNormalizer;
import dev.mcpguard.net.PathPrefixes;
import dev.mcpguard.net.PeerAddresses;

/**
 * Serves developer-only paths to loopback peers only. "Loopback" is the socket peer: headers are
 * never read as an address, and a loopback peer that relays for someone else (it sends a
 * forwarding header) does not count unless the operator vouches for it.
 */
final class LoopbackGate implements Gate {
    private final PathPrefixes loopbackPaths;
    private final boolean prod;
    private final boolean trustLoopback;

    LoopbackGate(PathPrefixes loopbackPaths, boolean prod, boolean trustLoopback) {
        this.loopbackPaths = loopbackPaths;
        this.prod = prod;
        this.trustLoopback = trustLoopback;
    }

    @Override
    public GateName name() {
        return GateName.LOOPBACK;
    }

    @Override
    public Reason check(RequestView request, String path) {
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

    /** A same-host proxy or tunnel announces itself with any of these, even empty. */
    private static boolean isRelayed(RequestView request) {
        return request.headerCount("forwarded") > 0
                || request.headerCount("via") > 0
                || request.headerCount("x-real-ip") > 0
                || request.hasHeaderStartingWith("x-forwarded-");
    }
}
