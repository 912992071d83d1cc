package dev.mcpguard.jdkhttp;

import net.bytebuddy.asm.Advice;

/** Inlined at the end of {@code ServerImpl}'s constructor: gives the server its fallback context. */
final class ServerCreatedAdvice {

    private ServerCreatedAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object server, @Advice.FieldValue("contexts") Object contexts,
            @Advice.FieldValue("protocol") String protocol) {
        NoContext.serverCreated(server, contexts, protocol);
    }
}
