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

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return List<Filter> filters) {
        if (filters != null) {
            GatePlacement.guard(filters);
        }
    }
}
