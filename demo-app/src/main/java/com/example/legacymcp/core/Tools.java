package com.example.legacymcp.core;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** The demo's MCP tools, served by the SDK transport and by the hand-written endpoints alike. */
public final class Tools {

    /**
     * A tool whose arguments are all required. {@link #call} throws {@link IllegalArgumentException}
     * for arguments it cannot use, which MCP reports as a tool error ({@code isError}).
     */
    public record Tool(String name, String description, Map<String, Object> inputSchema,
            Function<Map<String, ?>, String> call) {

        public String call(Map<String, ?> arguments) {
            return call.apply(arguments);
        }
    }

    private static final int FETCH_PREVIEW_BYTES = 512;
    private static final int FETCH_TIMEOUT_MILLIS = 5_000;

    public static final List<Tool> ALL = List.of(
            tool("echo", "Returns the given text", Map.of("text", "string"),
                    arguments -> text(arguments, "text")),
            tool("add", "Adds two numbers", Map.of("a", "number", "b", "number"),
                    arguments -> sum(number(arguments, "a"), number(arguments, "b"))),
            tool("fetch", "Fetches a URL (http or https) and returns the status and the first "
                    + FETCH_PREVIEW_BYTES + " bytes of the body", Map.of("url", "string"),
                    arguments -> fetch(text(arguments, "url"))));

    private Tools() {
    }

    public static Optional<Tool> byName(String name) {
        return ALL.stream().filter(tool -> tool.name().equals(name)).findFirst();
    }

    /** {@code parameters} maps each argument name to its JSON type. */
    private static Tool tool(String name, String description, Map<String, String> parameters,
            Function<Map<String, ?>, String> call) {
        Map<String, Object> properties = new TreeMap<>();
        parameters.forEach((parameter, type) -> properties.put(parameter, Map.of("type", type)));
        Map<String, Object> inputSchema = new LinkedHashMap<>();
        inputSchema.put("type", "object");
        inputSchema.put("properties", properties);
        inputSchema.put("required", List.copyOf(properties.keySet()));
        return new Tool(name, description, inputSchema, call);
    }

    private static String text(Map<String, ?> arguments, String name) {
        if (arguments.get(name) instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException(name + " must be a string");
    }

    private static BigDecimal number(Map<String, ?> arguments, String name) {
        Object value = arguments.get(name);
        try {
            return new BigDecimal(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not " + value);
        }
    }

    /**
     * {@code HTTP <status>}, a newline and the start of the body, the shape of the popular "fetch" MCP server.
     * Synchronous on the calling thread, which is the thread serving the tool call: an agent that watches
     * outbound connections can tell which inbound request made this one. {@link Proxy#NO_PROXY}: the connection
     * goes to the URL's own address, whatever the JVM's proxy settings say.
     */
    private static String fetch(String url) {
        URL target = httpUrl(url);
        try {
            HttpURLConnection connection = (HttpURLConnection) target.openConnection(Proxy.NO_PROXY);
            try {
                connection.setConnectTimeout(FETCH_TIMEOUT_MILLIS);
                connection.setReadTimeout(FETCH_TIMEOUT_MILLIS);
                int status = connection.getResponseCode();
                // an error status has its body on the error stream (getInputStream would throw), or none at all
                InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
                byte[] preview = new byte[0];
                if (body != null) {
                    try (body) {
                        preview = body.readNBytes(FETCH_PREVIEW_BYTES);
                    }
                }
                return "HTTP " + status + "\n" + new String(preview, StandardCharsets.UTF_8);
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    private static URL httpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("url must be an absolute http or https URL, not " + url);
            }
            return uri.toURL();
        } catch (URISyntaxException | MalformedURLException e) {
            throw new IllegalArgumentException("url is not a URL: " + e.getMessage());
        }
    }

    /** The exception and each of its causes, class and message: a client library may wrap what went wrong. */
    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            text.append("\ncaused by: ").append(cause);
        }
        return text.toString();
    }

    /** Decimal arithmetic, so that 2 + 3 reads "5" and 0.1 + 0.2 reads "0.3". */
    private static String sum(BigDecimal a, BigDecimal b) {
        return a.add(b).stripTrailingZeros().toPlainString();
    }
}
