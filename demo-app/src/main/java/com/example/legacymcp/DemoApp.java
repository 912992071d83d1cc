package com.example.legacymcp;

import com.example.legacymcp.core.Launcher;
import java.util.List;

/**
 * A small MCP server as it is often found in the wild: tools on {@code /mcp}, a health check,
 * a debug page and an upload endpoint, on whichever HTTP stack the command line picks.
 */
public final class DemoApp {

    private DemoApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        new Launcher("demo-app.jar", List.of(Stack.values()),
                "tomcat9 and jetty10 (javax.servlet) cannot share a class path with the servers above:\n"
                        + "demo-app-javax.jar (demo-app/javax) serves them, with the same options.")
                .run(args);
    }
}
