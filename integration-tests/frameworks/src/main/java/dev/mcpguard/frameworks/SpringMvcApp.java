package dev.mcpguard.frameworks;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * Spring MVC on embedded Tomcat 11, the base of Spring AI's MCP servers, without Spring Boot: one
 * {@link DispatcherServlet} on {@code /}, annotated handlers, {@code /mcp/**} and {@code /inspector/**} patterns
 * (Spring's {@code PathPatternParser}, the default since 6).
 */
final class SpringMvcApp {

    // JUL holds loggers weakly: keep this one referenced or its level is lost
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    private SpringMvcApp() {
    }

    static int start(String host, int port) throws Exception {
        TOMCAT_LOG.setLevel(Level.WARNING);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("framework-spring-mvc").toString());
        Connector connector = new Connector();
        connector.setProperty("address", host);
        connector.setPort(port);
        connector.setThrowOnFailure(true);
        tomcat.setConnector(connector);

        AnnotationConfigWebApplicationContext spring = new AnnotationConfigWebApplicationContext();
        spring.register(WebConfig.class, Endpoints.class);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "dispatcher", new DispatcherServlet(spring)).setLoadOnStartup(1);
        context.addServletMappingDecoded("/", "dispatcher");
        tomcat.start();
        return connector.getLocalPort();
    }

    @Configuration
    @EnableWebMvc
    static class WebConfig {
    }

    /** No {@code produces}: a route that matched answers whatever the request accepts, never a 406 that hides it. */
    @RestController
    static class Endpoints {

        @PostMapping("/mcp")
        String mcp() {
            return Answers.mcp("spring-mvc");
        }

        @RequestMapping("/mcp/**")
        String mcpPrefix(HttpServletRequest request) {
            return Answers.prefix("/mcp", request.getRequestURI());
        }

        @GetMapping("/inspector")
        String inspector() {
            return Answers.inspector("spring-mvc");
        }

        @RequestMapping("/inspector/**")
        String inspectorPrefix(HttpServletRequest request) {
            return Answers.prefix("/inspector", request.getRequestURI());
        }

        @GetMapping("/health")
        String health() {
            return Answers.health();
        }

        @PostMapping("/upload")
        ResponseEntity<String> upload(HttpServletRequest request) throws IOException {
            return ResponseEntity.ok(Answers.uploaded(request.getInputStream().transferTo(OutputStream.nullOutputStream())));
        }
    }
}
