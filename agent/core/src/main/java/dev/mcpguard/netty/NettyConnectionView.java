package dev.mcpguard.netty;

import dev.mcpguard.core.RequestView;
import dev.mcpguard.net.PeerAddresses;
import io.netty.channel.Channel;

/**
 * What a Netty request view reads from its connection rather than its head, for HTTP/1 and
 * HTTP/2 alike: the addresses of the socket channel (never a forwarded header, nor what Reactor
 * Netty's {@code forwarded(true)} writes into its own request object) and whether a PROXY
 * protocol decoder marked the channel as relayed.
 */
abstract class NettyConnectionView implements RequestView {
    private final Channel channel;

    NettyConnectionView(Channel channel) {
        this.channel = channel;
    }

    @Override
    public final String peerAddress() {
        return PeerAddresses.of(channel.remoteAddress());
    }

    @Override
    public final String localAddress() {
        return PeerAddresses.of(channel.localAddress());
    }

    /** The channel's addresses stay the socket's under the PROXY protocol; its decoder marks the channel. */
    @Override
    public final boolean relayedConnection() {
        return channel.hasAttr(GatePlacement.RELAYED);
    }
}
