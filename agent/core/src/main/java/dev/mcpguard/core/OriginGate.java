package dev.mcpguard.core;

import dev.mcpguard.net.HostAllowList;
import dev.mcpguard.net.OriginAllowList;
import dev.mcpguard.net.PeerAddresses;

/**
 * Defends against DNS rebinding and cross-site calls: checks {@code Origin}, then the host the
 * request names, wherever the server reads it from ({@code Host}, {@code :authority}, an
 * absolute-form target).
 */
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
    public Reason check(RequestView request, String path, Verdict verdict) {
        String origin = request.onlyHeader("origin");
        if (origin != null && !allOriginsAllowed(request, origin)) {
            return Reason.ORIGIN_NOT_ALLOWED;
        }
        String authority = request.targetAuthority();
        String host = request.onlyHeader("host");
        if (authority == null && host == null) {
            return null;
        }
        boolean loopbackListener = hosts.isDefault() && PeerAddresses.isLoopback(request.localAddress());
        if (authority != null && !hosts.allows(authority, loopbackListener)
                || host != null && !allHostsAllowed(request, host, loopbackListener)) {
            return Reason.HOST_NOT_ALLOWED;
        }
        return null;
    }

    /** @param only the {@link RequestView#onlyHeader} answer: one value, or {@link RequestView#SEVERAL} */
    private boolean allOriginsAllowed(RequestView request, String only) {
        if (only != RequestView.SEVERAL) {
            return origins.allows(only);
        }
        return request.everyHeader("origin", origins::allows);
    }

    private boolean allHostsAllowed(RequestView request, String only, boolean loopbackListener) {
        if (only != RequestView.SEVERAL) {
            return hosts.allows(only, loopbackListener);
        }
        return request.everyHeader("host", host -> hosts.allows(host, loopbackListener));
    }
}
