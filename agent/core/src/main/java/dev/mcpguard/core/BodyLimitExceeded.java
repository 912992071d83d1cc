package dev.mcpguard.core;

import java.io.IOException;

/**
 * What the application's read throws once a streamed body passes the limit. An
 * {@link IOException}, as a broken client connection would give, so applications already handle it.
 */
public final class BodyLimitExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    public BodyLimitExceeded(long limit) {
        this("request body larger than the " + limit + "-byte limit (mcpguard BODY gate)");
    }

    BodyLimitExceeded(String message) {
        super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // thrown at a known place; a stack trace would only cost
    }
}
