package dev.mcpguard.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The requests of the differential test, generated here (no payload files): request-target spellings of the routes
 * that are not public (dot segments, {@code ..;}, path parameters, single and double encodings, overlong UTF-8, empty
 * segments, backslashes, fragments, {@code ?}, case, absolute forms), methods, headers, and smuggling shapes (CL.TE,
 * TE.CL, TE.TE, CL.CL, CL.0, pipelining, obfuscated {@code Transfer-Encoding}, bare LF). Deterministic: a fixed seed
 * picks from the cross products, and each request's bytes are kept once.
 */
final class Variants {

    /** Stands for the server's port in a request's text until it is sent. */
    static final String PORT = "@PORT@";
    static final String PUBLIC = "/.well-known/oauth-protected-resource";

    /**
     * One request (several, when smuggling), as bytes with {@link #PORT} in place of the port.
     *
     * @param family     what kind of trick it is, for the counts
     * @param goal       the route it tries to reach
     * @param text       the bytes, ISO-8859-1
     * @param smuggling  whether the bytes hold more than one request: the connection is read to its end
     */
    record Variant(String family, Goal goal, String text, boolean smuggling) {

        byte[] bytes(int port) {
            return text.replace(PORT, Integer.toString(port)).getBytes(StandardCharsets.ISO_8859_1);
        }

        /** The bytes as Java would write them in a string, CR and LF shown. */
        String shown(int port) {
            String raw = text.replace(PORT, Integer.toString(port));
            StringBuilder out = new StringBuilder();
            for (char c : raw.toCharArray()) {
                switch (c) {
                    case '\r' -> out.append("\\r");
                    case '\n' -> out.append("\\n");
                    case '\t' -> out.append("\\t");
                    case '\\' -> out.append("\\\\");
                    default -> out.append(c < 0x20 || c > 0x7e ? String.format("\\x%02x", (int) c) : String.valueOf(c));
                }
            }
            return out.toString();
        }

        Variant withHeader(String line) {
            int end = text.indexOf("\r\n\r\n");
            return new Variant(family, goal, text.substring(0, end) + "\r\n" + line + text.substring(end), smuggling);
        }
    }

    /** A route that is not public, the method its endpoint answers and the body it needs. */
    enum Goal {
        INSPECTOR("GET", List.of("inspector")),
        INSPECTOR_SUB("GET", List.of("inspector", "x")),
        MCP("POST", List.of("mcp")),
        MCP_SUB("POST", List.of("mcp", "x")),
        HEALTH("GET", List.of("health")),
        UPLOAD("POST", List.of("upload"));

        final String method;
        final List<String> segments;

        Goal(String method, List<String> segments) {
            this.method = method;
            this.segments = segments;
        }

        boolean inspector() {
            return this == INSPECTOR || this == INSPECTOR_SUB;
        }

        /** An MCP initialize (what the endpoints answer with their JSON-RPC result) or a small upload. */
        String body() {
            return switch (this) {
                case MCP, MCP_SUB -> "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"diff\",\"version\":\"1\"}}}";
                case UPLOAD -> "abc";
                default -> "";
            };
        }
    }

    /** Spellings of a {@code ..} (or {@code .}) segment, as routers, decoders and normalizers disagree on them. */
    private static final List<String> DOTS = List.of("..", ".", "..;", "..;x=1", ".;", ";..", "..;/..", "%2e%2e",
            "%2E%2E", "%2e.", ".%2e", "%2e", "%252e%252e", "%252E%252E", "%25%32%65%25%32%65", "..%3B", "..%3b",
            "..%3Bx", "%2e%2e%3b", "..%2f", "..%2F", "..%5c", "..%5C", "..\\", "%c0%ae%c0%ae", "%C0%AE%C0%AE",
            "%e0%80%ae%e0%80%ae", "%c0%2e%c0%2e", "%u002e%u002e", "..%00", "..%0d", "..%23", "..#", "..?", "...",
            "....", "..%20", "..%09", ". .", "%2e%2e%2f", "..%252f", "..;%2f", "..%ff", "..%3B%2f", "%2e%2e;");

    /** What may stand between segments: one slash and everything a server might read as one. */
    private static final List<String> SEPARATORS = List.of("/", "//", "///", "/./", "/;/", "/;x=1/", "\\", "/\\",
            "%2f", "%2F", "%252f", "%5c", "%5C", "/%2e/", "/%20/", "/%09/", "/.;/", "/%3B/", "/;%2f/");

    /** What may follow the goal: nothing, a parameter, a trailing traversal to the public path, a query, a fragment. */
    private static final List<String> SUFFIXES = List.of("", "/", "//", ";", ";x=1", ";/x", "/.", "/..", "/..;",
            "/%2e", "/%2e%2e", "?", "?x=1", "?/../x", "#", "#x", "#/../x", "%20", "%09", "%00", ".", "..", ".json",
            "~", "%23", "%3f", "%3F", "/..%3B" + PUBLIC, "/.." + PUBLIC, "/..;" + PUBLIC, "/%2e%2e" + PUBLIC,
            "/..%2f.." + PUBLIC, "/..%3B/..%3B" + PUBLIC, "?/.." + PUBLIC, "#/.." + PUBLIC, ";/.." + PUBLIC,
            "/x/../..%3B" + PUBLIC, "/..%252f.." + PUBLIC, "/..\\.." + PUBLIC, "%3B/.." + PUBLIC, "/%3B/.." + PUBLIC);

    /** What may come before the goal: nothing, or something public or harmless, then a way back up. */
    private static final List<String> DISGUISES = List.of("", PUBLIC + "/", PUBLIC + "/x/", "/x/", "/health/",
            "/.well-known/", "/static/", "/", "/mcp/", "/inspector/");

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "get", "post", "Get", "TRACE", "PROPFIND");

    /** Obfuscations of {@code Transfer-Encoding: chunked} (a whole header block, lines ended by CRLF). */
    private static final List<String> CHUNKED = List.of("Transfer-Encoding: chunked", "Transfer-Encoding : chunked",
            "Transfer-Encoding:chunked", "Transfer-Encoding:\tchunked", "Transfer-Encoding: chunked, identity",
            "Transfer-Encoding: identity, chunked", "Transfer-Encoding: Chunked", "Transfer-Encoding: CHUNKED",
            "Transfer-Encoding: xchunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: x",
            "Transfer-Encoding: x\r\nTransfer-Encoding: chunked", "Transfer-Encoding:\r\n chunked",
            "X-Pad: 1\r\n Transfer-Encoding: chunked", "transfer-encoding: chunked", "TRANSFER-ENCODING: chunked",
            "Transfer-Encoding: \"chunked\"", "Transfer-Encoding: chunked;", "Transfer_Encoding: chunked",
            "Transfer-Encoding\t: chunked", "Transfer-Encoding: ,chunked", "Transfer-Encoding: chunked\u000b",
            "Transfer-Encoding: identity", "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked\r\n"
            + "Transfer-Encoding: chunked");

    private Variants() {
    }

    /** About {@code paths} path variants and {@code smuggles} smuggling variants, from {@code seed}. */
    static List<Variant> generate(long seed, int paths, int smuggles) {
        Random random = new Random(seed);
        Map<String, Variant> unique = new LinkedHashMap<>();
        // Every dot spelling in each of the shapes that took requests past gates before (issue 11).
        for (Goal goal : Goal.values()) {
            for (String dot : DOTS) {
                add(unique, "dot-after-goal", goal, path(goal, "/") + "/" + dot + PUBLIC, goal.method);
                add(unique, "dot-before-goal", goal, PUBLIC + "/" + dot + path(goal, "/"), goal.method);
                add(unique, "dot-before-goal", goal, "/x/" + dot + path(goal, "/"), goal.method);
                add(unique, "dot-inside-goal", goal, "/" + goal.segments.get(0) + "/" + dot + path(goal, "/"),
                        goal.method);
            }
            for (String suffix : SUFFIXES) {
                add(unique, "suffix", goal, path(goal, "/") + suffix, goal.method);
            }
            for (String spelling : spellings(goal.segments.get(0))) {
                List<String> segments = new ArrayList<>(goal.segments);
                segments.set(0, spelling);
                add(unique, "spelling", goal, "/" + String.join("/", segments), goal.method);
            }
            for (String method : METHODS) {
                add(unique, "method", goal, path(goal, "/"), method);
            }
            for (String target : absoluteForms(path(goal, "/"))) {
                add(unique, "absolute-form", goal, target, goal.method);
            }
        }
        // Then random combinations of all of it, until there are enough.
        Goal[] goals = Goal.values();
        for (int tries = 0; unique.size() < paths && tries < paths * 20; tries++) {
            Goal goal = goals[random.nextInt(goals.length)];
            List<String> spellings = spellings(goal.segments.get(0));
            String first = random.nextInt(3) == 0 ? pick(random, spellings) : goal.segments.get(0);
            StringBuilder path = new StringBuilder(pick(random, DISGUISES));
            if (path.length() > 0 && random.nextBoolean()) {
                path.append(pick(random, DOTS)).append(pick(random, SEPARATORS));
            } else if (path.length() == 0) {
                path.append(pick(random, SEPARATORS));
            }
            path.append(first);
            for (String segment : goal.segments.subList(1, goal.segments.size())) {
                path.append(pick(random, SEPARATORS)).append(segment);
            }
            path.append(pick(random, SUFFIXES));
            String target = random.nextInt(6) == 0 ? pick(random, absoluteForms(path.toString())) : path.toString();
            String method = random.nextInt(5) == 0 ? pick(random, METHODS) : goal.method;
            add(unique, "combined", goal, target, method);
        }
        List<Variant> all = new ArrayList<>(unique.values());
        all.addAll(headerVariants(random));
        all.addAll(smuggling(random, smuggles));
        return all;
    }

    /** Ways to spell a segment that a case-insensitive or decoding router reads as the same. */
    private static List<String> spellings(String segment) {
        String first = segment.substring(0, 1);
        int c = segment.charAt(0);
        return List.of(segment.toUpperCase(Locale.ROOT),
                Character.toUpperCase(segment.charAt(0)) + segment.substring(1),
                String.format("%%%02x", c) + segment.substring(1),
                String.format("%%%02X", c) + segment.substring(1),
                String.format("%%25%02x", c) + segment.substring(1),
                // overlong two-byte UTF-8 for the first letter
                String.format("%%%02x%%%02x", 0xc0 | (c >> 6), 0x80 | (c & 0x3f)) + segment.substring(1),
                segment.chars().mapToObj(ch -> String.format("%%%02x", ch)).reduce("", String::concat),
                first + "%" + String.format("%02x", (int) segment.charAt(1)) + segment.substring(2),
                segment + "%20",
                " " + segment,
                segment + ";",
                segment + "%3B",
                segment + "%3b",
                segment + "%2f",
                segment + "%00");
    }

    private static List<String> absoluteForms(String path) {
        String bare = path.startsWith("/") ? path.substring(1) : path;
        return List.of("http://127.0.0.1:" + PORT + path, "http://127.0.0.1:" + PORT + bare,
                "http://localhost:" + PORT + path, "HTTP://127.0.0.1:" + PORT + path, "https://127.0.0.1:" + PORT + path,
                "http://x#" + path, "http://x?" + path, "http://127.0.0.1:" + PORT + "#" + path,
                "http://127.0.0.1:" + PORT + "?" + path, "http://u:p@127.0.0.1:" + PORT + path,
                "http://127.0.0.1:" + PORT + "@x" + path, "http://x" + path, "http:" + path, "http:/" + path,
                "//127.0.0.1:" + PORT + path, "http://[::1]:" + PORT + path, "http://127.0.0.1" + path,
                "http://127.0.0.1:" + PORT + PUBLIC + "/.." + path, "http://127.0.0.1:" + PORT + "/" + path,
                "ftp://127.0.0.1:" + PORT + path, "http://127.0.0.1:" + PORT + "\\" + bare,
                "http://127.0.0.1:" + PORT + "%2f" + bare, "*" + path);
    }

    /** The goals' plain paths with header tricks: rewrite headers, method overrides, broken credentials, versions. */
    private static List<Variant> headerVariants(Random random) {
        List<String> headers = List.of("X-Original-URL: " + PUBLIC, "X-Rewrite-URL: " + PUBLIC,
                "X-Forwarded-Prefix: /.well-known", "X-HTTP-Method-Override: GET", "X-Forwarded-For: 127.0.0.1",
                "Authorization: Bearer", "Authorization: Bearer ", "Authorization: bearer x", "Authorization: Basic eDp4",
                "Authorization: Bearer a,Bearer b", "Authorization:", "Authorization: Bearer\tx",
                "Authorization: Bearer x\r\nAuthorization: Bearer y", "Host: localhost", "Host: 127.0.0.1",
                "Host: [::1]", "Host: 127.0.0.1:" + PORT + "\r\nHost: localhost", "Origin: http://localhost",
                "Expect: 100-continue", "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__",
                "Connection: keep-alive", "Content-Type: application/x-www-form-urlencoded");
        Map<String, Variant> unique = new LinkedHashMap<>();
        for (Goal goal : Goal.values()) {
            for (String header : headers) {
                Variant plain = request("header", goal, path(goal, "/"), goal.method, header);
                unique.put(plain.text(), plain);
            }
            for (String version : List.of("HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1", "HTTP/1.1 ", "HTTP/01.1")) {
                String text = goal.method + " " + path(goal, "/") + " " + version + "\r\nConnection: close\r\n"
                        + framing(goal) + "\r\n" + goal.body();
                unique.put(text, new Variant("version", goal, text, false));
            }
            String query = path(goal, "/") + "?access_token=" + Long.toHexString(random.nextLong());
            Variant tokenInQuery = request("header", goal, query, goal.method, null);
            unique.put(tokenInQuery.text(), tokenInQuery);
        }
        return new ArrayList<>(unique.values());
    }

    /**
     * Two requests in one: a public outer request the gates let through, and an inner one for a goal, which the
     * server reads as a second request only under some reading of the framing. A closing request follows, so that a
     * server reading either way ends the connection.
     */
    private static List<Variant> smuggling(Random random, int count) {
        Map<String, Variant> unique = new LinkedHashMap<>();
        Goal[] goals = Goal.values();
        String[] shapes = {"CL.TE", "TE.CL", "TE.TE", "CL.CL", "CL.0", "pipelined", "chunk-ext"};
        for (int tries = 0; unique.size() < count && tries < count * 20; tries++) {
            Goal goal = goals[random.nextInt(goals.length)];
            String shape = shapes[random.nextInt(shapes.length)];
            String chunked = pick(random, CHUNKED);
            boolean bareLf = random.nextInt(4) == 0;
            String inner = goal.method + " " + path(goal, "/") + " HTTP/1.1\r\nHost: 127.0.0.1:" + PORT + "\r\n"
                    + framing(goal) + "\r\n" + goal.body();
            String outerTarget = random.nextBoolean() ? PUBLIC : "/nowhere";
            String head = "POST " + outerTarget + " HTTP/1.1\r\nHost: 127.0.0.1:" + PORT + "\r\n";
            String request = switch (shape) {
                case "CL.TE" -> {
                    String body = "0\r\n\r\n" + inner;
                    yield head + "Content-Length: " + body.length() + "\r\n" + chunked + "\r\n\r\n" + body;
                }
                case "TE.CL" -> {
                    String size = Integer.toHexString(inner.length() + 2) + "\r\n";
                    yield head + chunked + "\r\nContent-Length: " + size.length() + "\r\n\r\n" + size + inner
                            + "\r\n\r\n0\r\n\r\n";
                }
                case "TE.TE" -> {
                    String body = "0\r\n\r\n" + inner;
                    yield head + "Transfer-Encoding: chunked\r\n" + chunked + "\r\n\r\n" + body;
                }
                case "CL.CL" -> head + "Content-Length: 0\r\nContent-Length: " + inner.length() + "\r\n\r\n" + inner;
                case "CL.0" -> "GET " + outerTarget + " HTTP/1.1\r\nHost: 127.0.0.1:" + PORT + "\r\nContent-Length: "
                        + inner.length() + "\r\n\r\n" + inner;
                case "chunk-ext" -> {
                    String size = pick(random, List.of("0;x=" + inner.length(), "0x0", "00", "0 ", "0\t", "-0", "+0"));
                    yield head + chunked + "\r\n\r\n" + size + "\r\n\r\n" + inner;
                }
                default -> "GET " + outerTarget + " HTTP/1.1\r\nHost: 127.0.0.1:" + PORT + "\r\n\r\n" + inner;
            };
            String closing = "GET " + PUBLIC + " HTTP/1.1\r\nHost: 127.0.0.1:" + PORT + "\r\nConnection: close\r\n\r\n";
            String text = request + closing;
            if (bareLf) {
                text = text.replace("\r\n", "\n");
            }
            unique.putIfAbsent(text, new Variant("smuggling " + shape + (bareLf ? " LF" : ""), goal, text, true));
        }
        return new ArrayList<>(unique.values());
    }

    private static void add(Map<String, Variant> unique, String family, Goal goal, String target, String method) {
        Variant variant = request(family, goal, target, method, null);
        unique.putIfAbsent(variant.text(), variant);
    }

    /** One request that asks the server to close after answering, with the goal's body if the method carries one. */
    private static Variant request(String family, Goal goal, String target, String method, String header) {
        boolean hasHost = header == null || !header.startsWith("Host:");
        StringBuilder text = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (hasHost) {
            text.append("Host: 127.0.0.1:").append(PORT).append("\r\n");
        }
        if (header != null) {
            text.append(header).append("\r\n");
        }
        text.append("Connection: close\r\n");
        boolean body = !method.equalsIgnoreCase("GET") && !method.equalsIgnoreCase("HEAD")
                && !method.equalsIgnoreCase("OPTIONS") && !method.equalsIgnoreCase("TRACE");
        Goal framed = body ? (goal.body().isEmpty() ? Goal.UPLOAD : goal) : Goal.HEALTH;
        text.append(framing(framed)).append("\r\n").append(framed.body());
        return new Variant(family, goal, text.toString(), false);
    }

    /** The headers that frame the goal's body (none without one); each line ends with CRLF. */
    private static String framing(Goal goal) {
        String body = goal.body();
        if (body.isEmpty()) {
            return "";
        }
        String type = goal == Goal.UPLOAD ? "application/octet-stream" : "application/json";
        return "Content-Type: " + type + "\r\nAccept: application/json, text/event-stream\r\nContent-Length: "
                + body.length() + "\r\n";
    }

    private static String path(Goal goal, String separator) {
        return "/" + String.join(separator, goal.segments);
    }

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
