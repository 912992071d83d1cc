package dev.mcpguard.cli;

import dev.mcpguard.core.Action;

/**
 * The fields of one decision line (design §7) that the report aggregates. Values are as logged,
 * unescaped, so they may hold anything an attacker put in a request; {@code null} where the log
 * says null (an unknown peer, say).
 */
record DecisionLine(String action, String gate, String reason, String path, String client) {

    /** Blocked and would-be-blocked lines, the ones the refusal table is about. */
    boolean refusal() {
        return Action.BLOCKED.id().equals(action) || Action.WOULD_BLOCK.id().equals(action);
    }
}
