package dev.mcpguard.core;

import java.util.concurrent.atomic.AtomicReferenceArray;

/** Every refusal the gates can give, built once from the realm and resource-metadata knobs. */
final class Refusals {
    /** {@code Retry-After} values up to an hour get a refusal kept for reuse; longer ones are built. */
    private static final int KEPT_RETRY_AFTER = 3600;

    private final Refusal[] byReason = new Refusal[Reason.values().length];
    private final Refusal[] gateErrorByGate = new Refusal[GateName.values().length];
    private final AtomicReferenceArray<Refusal> rateLimitedBySeconds = new AtomicReferenceArray<>(KEPT_RETRY_AFTER + 1);
    private final String challenge;

    /** @param requiredScopes what {@code insufficient_scope}'s challenge names, empty for none */
    Refusals(String realm, String resourceMetadataUrl, String[] requiredScopes) {
        challenge = "Bearer realm=\"" + realm + "\""
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
                wwwAuthenticate = insufficientScopeChallenge(requiredScopes);
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

    /** The MCP gate's {@code insufficient_scope} for a tool needing {@code scopes}: built once per tool rule. */
    Refusal toolScope(String[] scopes) {
        return new Refusal(GateName.MCP, Reason.TOOL_SCOPE, insufficientScopeChallenge(scopes));
    }

    /**
     * {@code rate_limited} with {@code Retry-After}: the wait rounded up to whole seconds, at least
     * one (a client told 0 retries at once, into the same refusal).
     */
    Refusal rateLimited(long waitNanos) {
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        if (seconds > KEPT_RETRY_AFTER) {
            return new Refusal(GateName.RATE, Reason.RATE_LIMITED, null, Long.toString(seconds));
        }
        int index = (int) seconds;
        Refusal kept = rateLimitedBySeconds.get(index);
        if (kept == null) {
            kept = new Refusal(GateName.RATE, Reason.RATE_LIMITED, null, Long.toString(seconds));
            rateLimitedBySeconds.lazySet(index, kept); // two racing builds of one immutable value are equal
        }
        return kept;
    }

    /** RFC 6750 §3.1: the scopes the resource needs ({@code scope} left out when none would do). */
    private String insufficientScopeChallenge(String[] scopes) {
        return challenge + ", error=\"insufficient_scope\""
                + (scopes.length == 0 ? "" : ", scope=\"" + String.join(" ", scopes) + "\"");
    }
}
