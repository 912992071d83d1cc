package com.example.legacymcp.core;

/** A started HTTP server, whatever the stack. */
public interface RunningServer {

    /** The port actually bound, which differs from the requested one when that was 0. */
    int port();

    /** The AJP connector's port actually bound, {@link Options#NO_AJP} without one. */
    default int ajpPort() {
        return Options.NO_AJP;
    }

    /** Blocks until the server has stopped. */
    void join() throws InterruptedException;

    void stop() throws Exception;
}
