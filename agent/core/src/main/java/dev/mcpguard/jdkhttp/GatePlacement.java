package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.Filter;
import java.util.List;

/** Called from the advice: keeps the gate filter first in a context's filter list. */
public final class GatePlacement {

    private GatePlacement() {
    }

    /**
     * The list is the context's own CopyOnWriteArrayList (JDK 17 and later): an indexed read takes
     * no lock and allocates nothing, which matters because this runs for every exchange, right
     * before the server snapshots the list into the exchange's chain. An application that put its
     * own filter first ({@code getFilters().add(0, f)}) finds the gate moved back in front of it;
     * the lock only keeps two exchanges from both moving it.
     */
    public static void guard(List<Filter> filters) {
        if (!filters.isEmpty() && filters.get(0) instanceof JdkHttpGate) {
            return;
        }
        synchronized (filters) {
            if (filters.isEmpty() || !(filters.get(0) instanceof JdkHttpGate)) {
                // No lambda: this class is defined in the server's loader by hand, without a nest host.
                for (int i = filters.size() - 1; i >= 0; i--) {
                    if (filters.get(i) instanceof JdkHttpGate) {
                        filters.remove(i);
                    }
                }
                filters.add(0, new JdkHttpGate());
            }
        }
    }
}
