package dev.mcpguard.core;

/** What happened to a request, as written in {@code event.action}. */
public enum Action {
    BLOCKED("blocked"),
    WOULD_BLOCK("would_block"),
    ALLOWED("allowed");

    private final String id;

    Action(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
