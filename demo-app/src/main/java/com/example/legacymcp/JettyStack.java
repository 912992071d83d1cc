package com.example.legacymcp;

import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** Jetty 12 with the ee10 (Servlet 6) environment. */
final class JettyStack {

    private JettyStack() {
    }

    static RunningServer start(Options options, SelfSignedKeystore keystore, List<Endpoints.Route> routes)
            throws Exception {
        Server server = new Server();

        HttpConfiguration http = new HttpConfiguration();
        if (options.trustForwarded()) {
            // Defaults: Forwarded and X-Forwarded-For/-Host/-Proto/-Port, trusted from any peer.
            http.addCustomizer(new ForwardedRequestCustomizer());
        }
        ConnectionFactory[] factories = keystore != null ? tls(http, keystore) : cleartext(http, options.http2());
        ServerConnector connector = new ServerConnector(server, options.proxyProtocol() ? proxied(factories) : factories);
        connector.setHost(options.host());
        connector.setPort(options.port());
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        for (Endpoints.Route route : routes) {
            ServletHolder holder = new ServletHolder(route.servlet());
            holder.setAsyncSupported(route.async());
            context.addServlet(holder, route.path());
        }
        server.setHandler(options.inflateRequests() ? inflating(context) : context);
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

    /** Inflates request bodies sent with {@code Content-Encoding: gzip} before the servlets read them. */
    private static GzipHandler inflating(Handler handler) {
        GzipHandler gzip = new GzipHandler(handler);
        gzip.setInflateBufferSize(8192); // 0, the default, leaves request bodies as they came
        return gzip;
    }

    /** The PROXY protocol (v1 or v2) first, then what the connection speaks. */
    private static ConnectionFactory[] proxied(ConnectionFactory[] factories) {
        ConnectionFactory[] all = new ConnectionFactory[factories.length + 1];
        all[0] = new ProxyConnectionFactory(factories[0].getProtocol());
        System.arraycopy(factories, 0, all, 1, factories.length);
        return all;
    }

    /** HTTP/1.1, and h2c beside it: by Upgrade, or by prior knowledge, which HttpConnection hands over to h2c. */
    private static ConnectionFactory[] cleartext(HttpConfiguration http, boolean http2) {
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        return http2
                ? new ConnectionFactory[] {http1, new HTTP2CServerConnectionFactory(http)}
                : new ConnectionFactory[] {http1};
    }

    /** TLS only, then h2 or HTTP/1.1 as ALPN picks, HTTP/1.1 for a client that offers no ALPN. */
    private static ConnectionFactory[] tls(HttpConfiguration http, SelfSignedKeystore keystore) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePath(keystore.path().toString());
        tls.setKeyStorePassword(keystore.password());
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Otherwise Jetty itself answers 400 to a Host that the certificate does not name: leave
        // Host checks to what runs in front of the application, as on cleartext.
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        HttpConnectionFactory http1 = new HttpConnectionFactory(http);
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(http1.getProtocol());
        return new ConnectionFactory[] {
            new SslConnectionFactory(tls, alpn.getProtocol()), alpn, new HTTP2ServerConnectionFactory(http), http1};
    }
}
