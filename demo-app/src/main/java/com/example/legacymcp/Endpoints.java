package com.example.legacymcp;

import com.example.legacymcp.core.Pages;
import com.example.legacymcp.core.Reply;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The servlets that the jakarta.servlet stacks serve, so that they differ only in how they host
 * them; what each endpoint answers is in {@link Pages}.
 */
@SuppressWarnings("serial") // servlets are never serialized here
final class Endpoints {

    /** A servlet and its mapping (an exact path or a {@code /prefix/*}); {@code async} when it needs asynchronous support. */
    record Route(String path, HttpServlet servlet, boolean async) {
    }

    private Endpoints() {
    }

    static List<Route> routes(HttpServlet mcp) {
        return List.of(
                new Route("/mcp", mcp, true),
                new Route("/health", new Health(), false),
                new Route("/inspector", new Inspector(), false),
                new Route("/upload", new Upload(), false),
                // a servlet container's prefix mapping; the exact mappings above take precedence
                new Route("/mcp/*", new Prefix("/mcp"), false),
                new Route("/inspector/*", new Prefix("/inspector"), false));
    }

    private static final class Prefix extends HttpServlet {
        private final String prefix;

        Prefix(String prefix) {
            this.prefix = prefix;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            send(Pages.prefix(prefix, request.getRequestURI()), response);
        }
    }

    private static final class Health extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            send(Pages.health(), response);
        }
    }

    private static final class Inspector extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            send(Pages.inspector(request.getRemoteAddr(), getServletContext().getServerInfo()), response);
        }
    }

    private static final class Upload extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            long bytes = request.getInputStream().transferTo(OutputStream.nullOutputStream());
            send(Pages.uploaded(bytes), response);
        }
    }

    private static void send(Reply reply, HttpServletResponse response) throws IOException {
        response.setStatus(reply.status());
        response.setContentType(reply.contentType());
        response.setContentLength(reply.body().length);
        response.getOutputStream().write(reply.body());
    }
}
