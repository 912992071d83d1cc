package dev.mcpguard.jetty10;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.mcpguard.agent.ServerInstrumentation;
import java.util.List;

/**
 * Jetty before 12 waits, by default, for the first body bytes before dispatching a request with
 * a body; the BODY gate needs the request at its headers. No helpers: the advice is self-contained.
 */
public final class JettyDispatchInstrumentation implements ServerInstrumentation {

    @Override
    public String family() {
        return Jetty10Gate.STACK;
    }

    @Override
    public String supportedVersions() {
        return "Jetty 9.4 – 12.1, whose HttpConfiguration all have isDelayDispatchUntilContent";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of();
    }

    @Override
    public List<Hook> hooks() {
        return List.of(new Hook("org.eclipse.jetty.server.HttpConfiguration",
                named("isDelayDispatchUntilContent").and(takesArguments(0)).and(returns(boolean.class)),
                "dev.mcpguard.jetty10.DispatchOnHeadersAdvice"));
    }
}
