package dev.mcpguard.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code MCPGUARD_TOOL_SCOPES}: the scopes each tool needs. A tool the knob does not name needs
 * what {@code *} needs; with no {@code *} it cannot be called at all: a tool nobody declared a
 * permission for fails closed. A tool listed with no scopes may be called by anyone AUTH lets in.
 */
final class ToolScopes {
    /** One tool's requirement, with the refusal naming its scopes, built once. */
    static final class Rule {
        private final String[] scopes;
        private final Refusal refusal;

        /** @param scopes what the tool needs; {@code null}: nothing grants it */
        Rule(String[] scopes, Refusal refusal) {
            this.scopes = scopes;
            this.refusal = refusal;
        }

        boolean permits(Principal principal) {
            if (scopes == null) {
                return false;
            }
            return principal == null ? scopes.length == 0 : principal.hasScopes(scopes);
        }

        Refusal refusal() {
            return refusal;
        }
    }

    private final Map<String, Rule> byTool = new HashMap<>();
    private final Rule otherwise;
    private final Rule unnamed;

    /** @param scopesByTool tool name, or {@code *}, to the scopes it needs */
    ToolScopes(Map<String, List<String>> scopesByTool, Refusals refusals) {
        Rule star = null;
        Refusal undeclared = refusals.toolScope(new String[0]);
        for (Map.Entry<String, List<String>> entry : scopesByTool.entrySet()) {
            String[] scopes = entry.getValue().toArray(new String[0]);
            Rule rule = new Rule(scopes, refusals.toolScope(scopes));
            if (entry.getKey().equals("*")) {
                star = rule;
            } else {
                byTool.put(entry.getKey(), rule);
            }
        }
        this.otherwise = star != null ? star : new Rule(null, undeclared);
        this.unnamed = new Rule(null, undeclared);
    }

    /** The rule for a {@code tools/call} of {@code tool}; {@code null} (no string name) gets the rule of no tool. */
    Rule of(String tool) {
        if (tool == null) {
            return unnamed; // the server cannot run it either; not worth a guess at what it would do
        }
        Rule rule = byTool.get(tool);
        return rule != null ? rule : otherwise;
    }
}
