package dev.mcpguard.frameworks;

import java.util.HashMap;
import java.util.Map;

/**
 * Small apps on the web frameworks MCP servers are built with, each routing the way that framework routes (patterns,
 * wildcards, prefixes), for the differential test. Not demo stacks: no MCP, only the endpoints' recognizable answers
 * ({@link Answers}). Run as the demo app is ({@code --stack=<app> --port=<n> --host=<addr>}), and like it prints
 * {@code LISTENING <host>:<port> <app>} once listening.
 */
public final class FrameworkApp {

    private FrameworkApp() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "");
        }
        String app = options.getOrDefault("stack", "");
        String host = options.getOrDefault("host", "127.0.0.1");
        int wanted = Integer.parseInt(options.getOrDefault("port", "0"));
        int port = switch (app) {
            case "spring-mvc" -> SpringMvcApp.start(host, wanted);
            case "vertx-web" -> VertxWebApp.start(host, wanted);
            case "javalin" -> JavalinApp.start(host, wanted);
            default -> throw new IllegalArgumentException("--stack= spring-mvc, vertx-web or javalin, not '" + app + "'");
        };
        System.out.println("LISTENING " + host + ":" + port + " " + app);
        System.out.flush();
        Thread.currentThread().join(); // the servers' threads keep the JVM alive; the test destroys it
    }
}
