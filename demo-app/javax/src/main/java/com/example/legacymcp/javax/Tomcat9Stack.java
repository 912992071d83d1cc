package com.example.legacymcp.javax;

import com.example.legacymcp.core.Options;
import com.example.legacymcp.core.RunningServer;
import com.example.legacymcp.core.SelfSignedKeystore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/** Embedded Tomcat 9, the last Tomcat on javax.servlet (4.0). */
final class Tomcat9Stack {

    // Tomcat logs through java.util.logging, at INFO by default. JUL holds loggers weakly,
    // so keep this one referenced or its level is lost at the next garbage collection.
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    /** Larger than any upload of the tests, as on netty. */
    private static final int MAX_UPGRADE_BODY = 64 * 1024 * 1024;

    private Tomcat9Stack() {
    }

    static RunningServer start(Options options, SelfSignedKeystore keystore, List<Endpoints.Route> routes)
            throws Exception {
        TOMCAT_LOG.setLevel(Level.WARNING);
        Tomcat tomcat = new Tomcat();
        // Tomcat insists on a scratch directory, by default in the working directory;
        // a fresh one per run, removed on stop, as tests start many servers.
        Path baseDir = Files.createTempDirectory("legacy-demo-tomcat9");
        tomcat.setBaseDir(baseDir.toString());

        Connector connector = new Connector();
        connector.setProperty("address", options.host());
        connector.setPort(options.port());
        // Otherwise a port already in use is only logged, and Tomcat starts without listening.
        connector.setThrowOnFailure(true);
        if (keystore != null) {
            connector.setScheme("https");
            connector.setSecure(true);
            connector.setProperty("SSLEnabled", "true");
            SSLHostConfig tls = new SSLHostConfig();
            SSLHostConfigCertificate certificate =
                    new SSLHostConfigCertificate(tls, SSLHostConfigCertificate.Type.RSA);
            certificate.setCertificateKeystoreFile(keystore.path().toString());
            certificate.setCertificateKeystorePassword(keystore.password());
            certificate.setCertificateKeystoreType("PKCS12");
            tls.addCertificate(certificate);
            connector.addSslHostConfig(tls);
        }
        if (options.http2() || keystore != null) {
            // On a cleartext connector h2c, by Upgrade and by prior knowledge; with TLS h2, by ALPN.
            connector.addUpgradeProtocol(new Http2Protocol());
            // The body of an Upgrade: h2c request is read whole before the switch, up to this size
            // (4 KiB by default, then a 413 that is not the agent's).
            connector.setMaxSavePostSize(MAX_UPGRADE_BODY);
        }
        tomcat.setConnector(connector);
        Connector ajp = options.ajpPort() == Options.NO_AJP ? null : ajp(options);
        if (ajp != null) {
            tomcat.getService().addConnector(ajp);
        }

        if (options.trustForwarded()) {
            RemoteIpValve remoteIp = new RemoteIpValve();
            remoteIp.setInternalProxies(".*");
            remoteIp.setRemoteIpHeader("X-Forwarded-For");
            remoteIp.setProtocolHeader("X-Forwarded-Proto");
            tomcat.getEngine().getPipeline().addValve(remoteIp);
        }

        Context context = tomcat.addContext("", null);
        for (Endpoints.Route route : routes) {
            Tomcat.addServlet(context, route.path(), route.servlet());
            context.addServletMapping(route.path(), route.path());
        }
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            deleteTree(baseDir);
            throw e;
        }

        return new RunningServer() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public int ajpPort() {
                return ajp == null ? Options.NO_AJP : ajp.getLocalPort();
            }

            @Override
            public void join() {
                tomcat.getServer().await();
            }

            @Override
            public void stop() throws Exception {
                tomcat.stop();
                tomcat.destroy();
                deleteTree(baseDir);
            }
        };
    }

    /**
     * AJP/1.3 where the HTTP connector listens, as Apache httpd's mod_proxy_ajp reaches it, with no
     * secret required: any peer that can connect speaks for whichever client it names.
     */
    private static Connector ajp(Options options) {
        Connector ajp = new Connector("AJP/1.3");
        ajp.setProperty("address", options.host());
        ajp.setPort(options.ajpPort());
        ajp.setProperty("secretRequired", "false");
        ajp.setThrowOnFailure(true);
        return ajp;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }
}
