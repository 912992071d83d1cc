package com.example.legacymcp.javax;

import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import java.util.List;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/** Jetty 10, the last Jetty on javax.servlet (4.0). */
final class Jetty10Stack {

    private Jetty10Stack() {
    }

    static RunningServer start(Options options, List<Endpoints.Route> routes) throws Exception {
        Server server = new Server();

        HttpConfiguration http = new HttpConfiguration();
        if (options.trustForwarded()) {
            // Defaults: Forwarded and X-Forwarded-For/-Host/-Proto/-Port, trusted from any peer.
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        for (Endpoints.Route route : routes) {
            context.addServlet(new ServletHolder(route.servlet()), route.path());
        }
        server.setHandler(context);
        server.start();

        return new RunningServer() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void join() throws InterruptedException {
                server.join();
            }

            @Override
            public void stop() throws Exception {
                server.stop();
            }
        };
    }
}
