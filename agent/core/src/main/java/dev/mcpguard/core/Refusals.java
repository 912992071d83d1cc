package dev.mcpguard.core;

/** Every refusal the gates can give, built once from the realm and resource-metadata knobs. */
final class Refusals {
    private final Refusal[] byReason = new Refusal[Reason.values().length];
    private final Refusal[] gateErrorByGate = new Refusal[GateName.values().length];

    /** @param requiredScopes what {@code insufficient_scope}'s challenge names, empty for none */
    Refusals(String realm, String resourceMetadataUrl, String[] requiredScopes) {
        String challenge = "Bearer realm=\"" + realm + "\""
                + (resourceMetadataUrl == null ? "" : ", resource_metadata=\"" + resourceMetadataUrl + "\"");
        for (Reason reason : Reason.values()) {
            if (reason == Reason.GATE_ERROR) {
                continue;
            }
            String wwwAuthenticate = null;
            if (reason.status() == 401) {
                wwwAuthenticate = reason == Reason.MISSING_TOKEN
                        ? challenge
                        : challenge + ", error=\"" + reason.id() + "\"";
            } else if (reason == Reason.INSUFFICIENT_SCOPE) {
                wwwAuthenticate = challenge + ", error=\"insufficient_scope\", scope=\"" + String.join(" ", requiredScopes)
                        + "\"";
            }
            byReason[reason.ordinal()] = new Refusal(reason.gate(), reason, wwwAuthenticate);
        }
        for (GateName gate : GateName.values()) {
            gateErrorByGate[gate.ordinal()] = new Refusal(gate, Reason.GATE_ERROR, null);
        }
    }

    Refusal of(Reason reason) {
        return byReason[reason.ordinal()];
    }

    Refusal gateError(GateName gate) {
        return gateErrorByGate[gate.ordinal()];
    }
}
