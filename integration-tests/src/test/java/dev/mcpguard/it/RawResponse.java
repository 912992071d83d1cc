package dev.mcpguard.it;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A response as it came off the socket. Header names are kept in lower case. */
record RawResponse(int status, Map<String, List<String>> headers, byte[] body) {

    List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** The value of a header sent once; null when absent. Several values fail: the tests expect one. */
    String header(String name) {
        List<String> values = headers(name);
        if (values.size() > 1) {
            throw new AssertionError("header " + name + " sent " + values.size() + " times: " + values);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return status + " " + headers + " " + text();
    }
}
