package com.example.legacymcp.core;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** The demo's two MCP tools, served by the SDK transport and by the hand-written endpoints alike. */
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

    public static final List<Tool> ALL = List.of(
            tool("echo", "Returns the given text", Map.of("text", "string"),
                    arguments -> text(arguments, "text")),
            tool("add", "Adds two numbers", Map.of("a", "number", "b", "number"),
                    arguments -> sum(number(arguments, "a"), number(arguments, "b"))));

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

    /** Decimal arithmetic, so that 2 + 3 reads "5" and 0.1 + 0.2 reads "0.3". */
    private static String sum(BigDecimal a, BigDecimal b) {
        return a.add(b).stripTrailingZeros().toPlainString();
    }
}
