package dev.mcpguard.agent;

import net.bytebuddy.asm.Advice;

/**
 * The last resort for a server the gate helpers do not link against and that has no refusal
 * advice of its own: the hooked entry point throws, so the server fails the request (or the
 * connection) before the application sees it. Names no server type, so it always links.
 */
final class RefuseEntryAdvice {

    private RefuseEntryAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter() {
        throw new IllegalStateException(ServerInstrumentation.Hook.NOT_GATED);
    }
}
