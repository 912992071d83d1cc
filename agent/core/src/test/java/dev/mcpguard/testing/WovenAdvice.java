package dev.mcpguard.testing;

import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.mcpguard.agent.ServerInstrumentation;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * An instrumentation's own hooks (its matchers and advice) woven into the server classes of this
 * JVM, as the agent weaves them into a server's: tests then run real servers (Netty pipelines,
 * a Jetty with a local connector) and get the gates from the advice. {@link #close} undoes it, so
 * no other test sees woven classes.
 */
public final class WovenAdvice implements AutoCloseable {
    private final Instrumentation instrumentation;
    private final ResettableClassFileTransformer transformer;

    private WovenAdvice(Instrumentation instrumentation, ResettableClassFileTransformer transformer) {
        this.instrumentation = instrumentation;
        this.transformer = transformer;
    }

    public static WovenAdvice of(ServerInstrumentation server) {
        Instrumentation instrumentation = ByteBuddyAgent.install();
        AgentBuilder agent = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly());
        for (ServerInstrumentation.Hook hook : server.hooks()) {
            agent = agent.type(named(hook.typeName()))
                    .transform(new AgentBuilder.Transformer.ForAdvice()
                            .include(WovenAdvice.class.getClassLoader())
                            .advice(hook.method(), hook.adviceClassName()));
        }
        return new WovenAdvice(instrumentation, agent.installOn(instrumentation));
    }

    @Override
    public void close() {
        transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    }
}
