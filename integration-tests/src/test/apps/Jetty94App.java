import java.io.IOException;
import java.net.InetSocketAddress;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * A plain Jetty 9.4 server for VersionLinesIT, run by the java launcher from source against the
 * jetty-9.4 version line: every request it handles is answered "app <path>".
 */
public class Jetty94App {
    public static void main(String[] args) throws Exception {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        server.setHandler(new AbstractHandler() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                response.setStatus(200);
                response.setContentType("text/plain");
                response.getWriter().print("app " + target);
                base.setHandled(true);
            }
        });
        server.start();
        System.out.println("LISTENING 127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        server.join();
    }
}
