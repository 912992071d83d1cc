package dev.mcpguard.authserver;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.modeler.Registry;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * A real OAuth 2.1 authorization server for the integration tests: Spring Authorization Server's filters on embedded
 * Tomcat 11, without Spring Boot, on loopback only. Prints {@code LISTENING <host>:<port> auth-server} once it
 * answers. {@code POST /test/rotate} makes a new signing key (see {@link SigningKeys}) and answers its {@code kid}.
 */
public final class AuthServerApp {

    // JUL holds loggers weakly: keep this one referenced or its level is lost
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private AuthServerApp() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        SigningKeys keys = SigningKeys.open(options.keys());

        TOMCAT_LOG.setLevel(Level.WARNING);
        Registry.disableRegistry(); // Tomcat's JMX beans: nobody reads them here, and registering them takes most of its start
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("auth-server").toString());
        Connector connector = new Connector();
        connector.setProperty("address", options.host());
        connector.setPort(options.port());
        connector.setThrowOnFailure(true);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        tomcat.init(); // binds the port: the issuer names the real one
        int port = connector.getLocalPort();

        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
        spring.registerBean(Options.class, () -> options);
        spring.registerBean(SigningKeys.class, () -> keys);
        spring.registerBean(AuthServerConfig.Issuer.class, () -> new AuthServerConfig.Issuer(options.issuer(port)));
        spring.register(AuthServerConfig.class);
        spring.refresh();

        FilterDef security = new FilterDef();
        security.setFilterName("springSecurityFilterChain");
        security.setFilter(spring.getBean("springSecurityFilterChain", Filter.class));
        context.addFilterDef(security);
        FilterMap everything = new FilterMap();
        everything.setFilterName("springSecurityFilterChain");
        everything.addURLPattern("/*");
        context.addFilterMap(everything);
        Tomcat.addServlet(context, "rotate", new Rotate(keys));
        context.addServletMappingDecoded("/test/rotate", "rotate");
        // Tomcat runs filters only for a request some servlet maps: this one answers what the filters left
        Tomcat.addServlet(context, "notFound", new NotFound());
        context.addServletMappingDecoded("/", "notFound");
        tomcat.start();

        System.out.println("LISTENING " + options.host() + ":" + port + " auth-server");
        System.out.flush();
        Thread.currentThread().join(); // Tomcat's threads keep the JVM alive; the test stops it
    }

    /** {@code POST /test/rotate}: a new signing key, {@code {"kid":"<its kid>"}}; from loopback peers only. */
    private static final class Rotate extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient SigningKeys keys;

        Rotate(SigningKeys keys) {
            this.keys = keys;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
                response.sendError(HttpServletResponse.SC_FORBIDDEN);
                return;
            }
            String kid = keys.rotate(); // a thumbprint: base64url, nothing to escape in JSON
            response.setContentType("application/json");
            response.getWriter().write("{\"kid\":\"" + kid + "\"}");
        }
    }

    private static final class NotFound extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
