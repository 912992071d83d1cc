package dev.mcpguard.quic;

import net.bytebuddy.asm.Advice;

/** Inlined at the start of {@code QuicCodecBuilder.build()}: a server codec's build fails instead. */
final class QuicBuildAdvice {

    private QuicBuildAdvice() {
    }

    /** Not suppressed: throwing the refusal is the point. {@link QuicGate#check} itself never throws. */
    @Advice.OnMethodEnter
    static void enter(@Advice.This Object builder) {
        RuntimeException refused = QuicGate.check(builder);
        if (refused != null) {
            throw refused;
        }
    }
}
