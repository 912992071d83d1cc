package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.Filter;
import java.util.List;

/** Called from the advice: keeps the gate filter first in a context's filter list. */
public final class JdkHttpServerGate {

    private JdkHttpServerGate() {
    }

    /**
     * The list is the context's own CopyOnWriteArrayList (JDK 17 and later): indexed reads take
     * no lock and allocate nothing, which matters because this runs for every exchange. The
     * insertion happens once per context; the lock only keeps two first exchanges from both
     * inserting.
     */
    public static void guard(List<Filter> filters) {
        if (guarded(filters)) {
            return;
        }
        synchronized (filters) {
            if (!guarded(filters)) {
                filters.add(0, new GateFilter());
            }
        }
    }

    private static boolean guarded(List<Filter> filters) {
        for (int i = 0, n = filters.size(); i < n; i++) {
            if (filters.get(i) instanceof GateFilter) {
                return true;
            }
        }
        return false;
    }
}
