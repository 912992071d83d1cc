package com.example.legacymcp.core;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/** The endpoints besides {@code /mcp}: what they answer, whichever stack serves them. */
public final class Pages {

    private Pages() {
    }

    /** {@code GET /health}. */
    public static Reply health() {
        return Reply.of(200, Reply.TEXT, "ok");
    }

    /**
     * {@code GET /inspector}: a debugging aid that was only ever meant to be opened from the
     * developer's own machine. {@code remote} is the client address as the server's API reports
     * it, which a forwarded-header feature of the server may have rewritten.
     */
    public static Reply inspector(String remote, String server) {
        return Reply.of(200, Reply.HTML, "<!DOCTYPE html>\n"
                + "<html><head><title>legacy-demo inspector</title></head><body>\n"
                + "<h1>Inspector (developers only)</h1>\n"
                + "<pre>\n"
                + "remote=" + remote + "\n"
                + "server=" + server + "\n"
                + "</pre>\n"
                + "</body></html>\n");
    }

    /** {@code POST /upload}, once the application has read {@code bytes} of body. */
    public static Reply uploaded(long bytes) {
        return Reply.of(200, Reply.JSON, "{\"bytes\":" + bytes + "}");
    }

    /**
     * Any request under {@code /mcp/} or {@code /inspector/} ({@code prefix}, without its slash), routed there by
     * the server's own prefix or wildcard routing, as real applications route: it shows which requests a router
     * hands to a prefix that the exact endpoints would have hidden. {@code path} is what the server says the path is.
     */
    public static Reply prefix(String prefix, String path) {
        return Reply.of(200, Reply.TEXT, prefix.substring(1) + "-prefix:" + path);
    }

    /** The prefixes that {@link #prefix} answers under, each also an exact endpoint. */
    public static final List<String> PREFIXES = List.of("/mcp", "/inspector");

    /** For the stacks without a router of their own. */
    public static Reply notFound() {
        return Reply.of(404, Reply.TEXT, "not found");
    }

    /** For the stacks without a router of their own; the servlet containers answer it themselves. */
    public static Reply methodNotAllowed() {
        return Reply.of(405, Reply.TEXT, "method not allowed");
    }

    /** A peer address written as a servlet container's {@code getRemoteAddr()} would write it. */
    public static String address(SocketAddress peer) {
        if (peer instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(peer);
    }
}
