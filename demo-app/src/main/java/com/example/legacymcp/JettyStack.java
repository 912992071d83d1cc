package com.example.legacymcp;

import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12 with the ee10 (Servlet 6) environment. */
final class JettyStack {

    private JettyStack() {
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

        ServletContextHandler context = new ServletContextHandler("/");
        for (Endpoints.Route route : routes) {
            ServletHolder holder = new ServletHolder(route.servlet());
            holder.setAsyncSupported(route.async());
            context.addServlet(holder, route.path());
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
