package com.example.legacymcp.core;

/** One HTTP stack the demo can serve on, as {@code --stack=<cliName>} picks it. */
public interface DemoStack {

    String cliName();

    /** One line for {@code --help}. */
    String summary();

    /** Whether the stack has a forwarded-header feature of its own for {@code --trust-forwarded} to turn on. */
    boolean forwardedHeaders();

    /** Starts serving every endpoint and returns once the server is listening. */
    RunningServer start(Options options) throws Exception;
}
