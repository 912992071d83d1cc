package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.HttpContext;

/** Called from the advice: puts the gate filter first in a new context. */
public final class JdkHttpServerGate {

    private JdkHttpServerGate() {
    }

    public static void guard(HttpContext context) {
        context.getFilters().add(0, new GateFilter());
    }
}
