package dev.mcpguard.agent;

import java.security.ProtectionDomain;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Transforms one hooked type: with the gate advice (its helpers injected first) when the
 * adapter links against the server of that class loader; else with the refusal advice, or
 * when even that does not link with {@link ServerInstrumentation.Hook#REFUSE_ENTRY}. A server
 * that does not fit is never run ungated.
 */
final class AdapterTransformer implements AgentBuilder.Transformer {
    private final AdapterFit fit;
    private final ServerInstrumentation.Hook hook;
    private final InstrumentationListener listener;
    private final HelperInjector gateHelpers;
    private final HelperInjector refusalHelpers;
    private final AgentBuilder.Transformer gate;
    private final AgentBuilder.Transformer refusal;
    private final AgentBuilder.Transformer refuseEntry;

    AdapterTransformer(AdapterFit fit, ServerInstrumentation.Hook hook, InstrumentationListener listener,
                       HelperInjector gateHelpers, HelperInjector refusalHelpers, ClassFileLocator agentClasses) {
        this.fit = fit;
        this.hook = hook;
        this.listener = listener;
        this.gateHelpers = gateHelpers;
        this.refusalHelpers = refusalHelpers;
        this.gate = advice(agentClasses, hook.adviceClassName());
        this.refusal = advice(agentClasses, hook.refusalAdviceClassName());
        this.refuseEntry = advice(agentClasses, ServerInstrumentation.Hook.REFUSE_ENTRY);
    }

    private AgentBuilder.Transformer advice(ClassFileLocator agentClasses, String adviceClassName) {
        return new AgentBuilder.Transformer.ForAdvice().include(agentClasses).advice(hook.method(), adviceClassName);
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader classLoader,
                                            JavaModule module, ProtectionDomain protectionDomain) {
        String missing = fit.gateMissing(classLoader);
        if (missing == null) {
            return gate.transform(gateHelpers.transform(builder, type, classLoader, module, protectionDomain),
                    type, classLoader, module, protectionDomain);
        }
        boolean refusalLinks = fit.refusalLinks(classLoader);
        ServerInstrumentation server = fit.server();
        String sentence = !fit.firstReport(classLoader) ? null
                : server.family() + " NOT GATED: " + type.getName() + " " + AdapterFit.serverVersion(type.getName(), protectionDomain)
                + " does not fit mcpguard's " + server.getClass().getSimpleName() + " (written for "
                + server.supportedVersions() + "): " + missing + "; " + fit.refusal(classLoader);
        listener.refused(type.getName(), sentence);
        if (refusalLinks) {
            return refusal.transform(refusalHelpers.transform(builder, type, classLoader, module, protectionDomain),
                    type, classLoader, module, protectionDomain);
        }
        return refuseEntry.transform(builder, type, classLoader, module, protectionDomain);
    }
}
