package com.example.legacymcp.javax;

import com.example.legacymcp.core.Launcher;
import java.util.List;

/**
 * The demo app on javax.servlet containers, the servers that legacy MCP deployments predating
 * the Jakarta rename still run. Its own jar, as Tomcat 9 and Jetty 10 cannot share a class path
 * with demo-app.jar's Tomcat 11 and Jetty 12; the rest of the demo is shared with demo-app.
 */
public final class DemoAppJavax {

    private DemoAppJavax() {
    }

    public static void main(String[] args) throws InterruptedException {
        new Launcher("demo-app-javax.jar", List.of(Stack.values()),
                "The other stacks (jetty, tomcat, undertow, netty, netty-aggregated, reactor, vertx, jdk)\n"
                        + "are served by demo-app.jar, with the same options.")
                .run(args);
    }
}
