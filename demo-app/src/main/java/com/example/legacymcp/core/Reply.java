package com.example.legacymcp.core;

import java.nio.charset.StandardCharsets;

/** A whole HTTP response, which each stack's adapter writes out its own way. */
public record Reply(int status, String contentType, byte[] body) {

    public static final String TEXT = "text/plain;charset=UTF-8";
    public static final String HTML = "text/html;charset=UTF-8";
    public static final String JSON = "application/json;charset=UTF-8";

    public static Reply of(int status, String contentType, String body) {
        return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A response without a body, hence without a content type. */
    public static Reply empty(int status) {
        return new Reply(status, null, new byte[0]);
    }
}
