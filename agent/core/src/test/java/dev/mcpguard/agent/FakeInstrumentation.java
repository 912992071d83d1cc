package dev.mcpguard.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;

import java.util.ArrayList;
import java.util.List;

/** A family as {@code agent/} sees it, for tests of what the agent learns from its instrumentations. */
final class FakeInstrumentation implements ServerInstrumentation {
    private final String family;
    private final List<String> hookedTypes = new ArrayList<>();
    private final List<String> attachLimits = new ArrayList<>();
    private final List<String> listenerPackages = new ArrayList<>();
    private boolean guardsRequests = true;

    FakeInstrumentation(String family) {
        this.family = family;
    }

    FakeInstrumentation hooking(String typeName) {
        hookedTypes.add(typeName);
        return this;
    }

    FakeInstrumentation sockets() {
        guardsRequests = false;
        return this;
    }

    FakeInstrumentation attachLimit(String sentence) {
        attachLimits.add(sentence);
        return this;
    }

    FakeInstrumentation listeningFrom(String packagePrefix) {
        listenerPackages.add(packagePrefix);
        return this;
    }

    @Override
    public String family() {
        return family;
    }

    @Override
    public boolean guardsRequests() {
        return guardsRequests;
    }

    @Override
    public List<String> attachLimits() {
        return attachLimits;
    }

    @Override
    public List<String> listenerPackages() {
        return listenerPackages;
    }

    @Override
    public String supportedVersions() {
        return "any";
    }

    @Override
    public List<String> helperClassNames() {
        return List.of();
    }

    @Override
    public List<Hook> hooks() {
        List<Hook> hooks = new ArrayList<>();
        for (String type : hookedTypes) {
            hooks.add(new Hook(type, named("toString"), "unused.Advice"));
        }
        return hooks;
    }
}
