package dev.mcpguard.it;

/** How the gates under test run, for ITs that start one server per stack and mode. */
enum Enforcement {
    ENFORCE("blocked"),
    LOG_ONLY("would_block");

    /** The decision line's {@code event.action}. */
    final String action;

    Enforcement(String action) {
        this.action = action;
    }
}
