package dev.mcpguard.core;

/** One request gate: a pure decision over the request view. */
interface Gate {

    GateName name();

    /**
     * @param path the normalized path, or {@code null} when the path could not be normalized
     *             (the PATH gate refuses such a request; the other gates must stay safe on it)
     * @param verdict what is known of the request so far: a gate may name its principal and the
     *                detail of its refusal there
     * @return why the request is refused, or {@code null} to let it pass this gate
     */
    Reason check(RequestView request, String path, Verdict verdict);
}
