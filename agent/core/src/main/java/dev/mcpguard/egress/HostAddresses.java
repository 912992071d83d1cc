package dev.mcpguard.egress;

import dev.mcpguard.audit.OperatorLog;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * This host's own addresses ({@code MCPGUARD_EGRESS_DENY} {@code self}): a connect to one of them
 * reaches whatever listens on the wildcard address here, a public or global address included.
 * Read from the network interfaces at start and every {@value #REFRESH_SECONDS} s after, on a
 * thread of its own: a connect only compares numbers.
 */
public final class HostAddresses {
    private static final long REFRESH_SECONDS = 10;

    /** Per address: 1 for IPv6 or 0, then its two words ({@link AddressRange#value}). */
    private volatile long[] addresses;

    private HostAddresses(long[] addresses) {
        this.addresses = addresses;
    }

    /** A fixed set (tests). */
    static HostAddresses of(List<InetAddress> addresses) {
        return new HostAddresses(values(addresses));
    }

    /** The interfaces' addresses now, kept current by the thread {@code mcpguard-egress-addresses}. */
    public static HostAddresses watch(OperatorLog log) {
        List<InetAddress> now = read(log);
        HostAddresses host = new HostAddresses(values(now == null ? List.of() : now));
        Thread refresher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(REFRESH_SECONDS));
                List<InetAddress> current = read(log);
                if (current != null) {
                    host.addresses = values(current);
                }
            }
        }, "mcpguard-egress-addresses");
        refresher.setDaemon(true);
        refresher.start();
        return host;
    }

    boolean contains(boolean ipv6, long high, long low) {
        long[] known = addresses;
        long kind = ipv6 ? 1 : 0;
        for (int i = 0; i < known.length; i += 3) {
            if (known[i] == kind && known[i + 1] == high && known[i + 2] == low) {
                return true;
            }
        }
        return false;
    }

    /** How many addresses are known, for the banner. */
    public int size() {
        return addresses.length / 3;
    }

    /** @return the addresses, or {@code null} when they could not be read */
    private static List<InetAddress> read(OperatorLog log) {
        List<InetAddress> found = new ArrayList<>();
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                found.addAll(Collections.list(network.getInetAddresses()));
            }
        } catch (SocketException | RuntimeException e) {
            log.error("could not read this host's addresses ({}): MCPGUARD_EGRESS_DENY self keeps the last ones read", e.toString());
            return null;
        }
        return found;
    }

    private static long[] values(List<InetAddress> addresses) {
        long[] values = new long[addresses.size() * 3];
        int i = 0;
        for (InetAddress address : addresses) {
            byte[] bytes = address.getAddress();
            long[] value = AddressRange.value(bytes);
            values[i++] = bytes.length == 16 ? 1 : 0;
            values[i++] = value[0];
            values[i++] = value[1];
        }
        return values;
    }
}
