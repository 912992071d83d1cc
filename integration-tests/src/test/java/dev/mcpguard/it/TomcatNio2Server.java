package dev.mcpguard.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat with its NIO2 connector ({@code Http11Nio2Protocol}), run in a child JVM by
 * {@link Nio2BindIT}: {@code java TomcatNio2Server <host>}. Answers every request {@code ok} and
 * prints {@code LISTENING <protocol handler> port :<port>}.
 */
public final class TomcatNio2Server {

    private TomcatNio2Server() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-nio2").toString());
        Connector connector = new Connector("org.apache.coyote.http11.Http11Nio2Protocol");
        connector.setPort(0);
        connector.setProperty("address", args[0]);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "ok", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().print("ok");
            }
        });
        context.addServletMappingDecoded("/*", "ok");
        tomcat.start();
        System.out.println("LISTENING " + connector.getProtocolHandler().getClass().getSimpleName() + " port :"
                + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }
}
