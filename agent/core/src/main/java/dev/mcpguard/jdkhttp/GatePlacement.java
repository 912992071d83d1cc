package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.Filter;
import dev.mcpguard.core.ActiveGuard;
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
     *
     * @return the exception {@code getFilters} must throw, so that the server fails the exchange,
     *         when the gate could not be placed and {@code MCPGUARD_ON_ERROR=deny}; else {@code null}.
     *         Never throws.
     */
    public static RuntimeException guard(List<Filter> filters) {
        try {
            if (!filters.isEmpty() && filters.get(0) instanceof JdkHttpGate) {
                return null;
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
            return null;
        } catch (Throwable error) {
            // Without the gate first, the exchange would run ungated: MCPGUARD_ON_ERROR decides,
            // and when it cannot be asked the exchange fails.
            return ActiveGuard.allowsAfter(JdkHttpGate.STACK, error) ? null
                    : new IllegalStateException("mcpguard: the request gate could not be placed; refused");
        }
    }
}
