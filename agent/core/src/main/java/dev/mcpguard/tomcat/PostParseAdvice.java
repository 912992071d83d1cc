package dev.mcpguard.tomcat;

import net.bytebuddy.asm.Advice;
import org.apache.catalina.connector.Response;
import org.apache.coyote.Request;

/** Inlined at the end of {@code CoyoteAdapter.postParseRequest}: a refused request never reaches the Valves. */
final class PostParseAdvice {

    private PostParseAdvice() {
    }

    /**
     * {@link TomcatGate#afterParse} never throws; should it not even be reached (a helper that
     * does not link), the suppressed failure leaves Tomcat's answer at {@code false}: the request
     * is not run.
     */
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Request request,
                     @Advice.Argument(3) Response response,
                     @Advice.Return(readOnly = false) boolean proceed) {
        boolean parsed = proceed;
        proceed = false;
        proceed = TomcatGate.afterParse(request, response, parsed);
    }
}
