package dev.mcpguard.core;

import dev.mcpguard.net.HostAllowList;
import dev.mcpguard.net.OriginAllowList;
import dev.mcpguard.net.PeerAddresses;

/** Defends against DNS rebinding and cross-site calls: checks {@code Origin}, then {@code Host}. */
final class OriginGate implements Gate {
    private final OriginAllowList origins;
    private final HostAllowList hosts;

    OriginGate(OriginAllowList origins, HostAllowList hosts) {
        this.origins = origins;
        this.hosts = hosts;
    }

    @Override
    public GateName name() {
        return GateName.ORIGIN;
    }

    @Override
    public Reason check(RequestView request, String path) {
        int originCount = request.headerCount("origin");
        for (int i = 0; i < originCount; i++) {
            String origin = request.header("origin", i);
            if (origin == null || !origins.allows(origin)) {
                return Reason.ORIGIN_NOT_ALLOWED;
            }
        }
        int hostCount = request.headerCount("host");
        if (hostCount == 0) {
            return null;
        }
        boolean loopbackListener = hosts.isDefault() && PeerAddresses.isLoopback(request.localAddress());
        for (int i = 0; i < hostCount; i++) {
            String host = request.header("host", i);
            if (host == null || !hosts.allows(host, loopbackListener)) {
                return Reason.HOST_NOT_ALLOWED;
            }
        }
        return null;
    }
}
