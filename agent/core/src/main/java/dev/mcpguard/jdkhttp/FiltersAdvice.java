package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.Filter;
import java.util.List;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the end of {@code HttpContextImpl.getFilters}, which the server calls for every
 * exchange and applications call to add filters: the gate filter is in place before either uses
 * the list, for contexts created before an attach too.
 */
final class FiltersAdvice {

    private FiltersAdvice() {
    }

    /**
     * Not suppressed: a list without the gate must not reach the server, so failing to place it
     * fails the exchange (the server closes its connection). {@link GatePlacement#guard} throws
     * nothing itself.
     */
    @Advice.OnMethodExit
    static void exit(@Advice.Return List<Filter> filters) {
        if (filters != null) {
            RuntimeException refused = GatePlacement.guard(filters);
            if (refused != null) {
                throw refused;
            }
        }
    }
}
