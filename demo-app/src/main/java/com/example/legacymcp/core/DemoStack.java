package com.example.legacymcp.core;

/** One HTTP stack the demo can serve on, as {@code --stack=<cliName>} picks it. */
public interface DemoStack {

    String cliName();

    /** For {@code --help}: one line, or a few separated by {@code \n}. */
    String summary();

    /** Whether the stack has a forwarded-header feature of its own for {@code --trust-forwarded} to turn on. */
    boolean forwardedHeaders();

    /** Whether the stack speaks HTTP/2: h2c with {@code --http2}, h2 by ALPN with {@code --tls}. */
    boolean http2();

    /** Whether {@code --proxy-protocol} can put the PROXY protocol (v1 and v2) in front of the port. */
    default boolean proxyProtocol() {
        return false;
    }

    /** Whether {@code --ajp-port} can add an AJP connector. */
    default boolean ajp() {
        return false;
    }

    /** Whether {@code --inflate-requests} can have the server inflate gzip and deflate request bodies. */
    default boolean inflatesRequests() {
        return false;
    }

    /**
     * Starts serving every endpoint and returns once the server is listening: with
     * {@code keystore}, TLS only ({@code --tls}); when it is null, cleartext.
     */
    RunningServer start(Options options, SelfSignedKeystore keystore) throws Exception;
}
