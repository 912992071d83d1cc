package com.example.legacymcp.javax;

import com.example.legacymcp.core.McpJsonRpc;
import com.example.legacymcp.core.Pages;
import com.example.legacymcp.core.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The javax servlets that both containers serve, so that they differ only in how they host
 * them; what each endpoint answers is in {@link Pages} and {@link McpJsonRpc}.
 */
@SuppressWarnings("serial") // servlets are never serialized here
final class Endpoints {

    /** A servlet and its mapping: an exact path or a {@code /prefix/*}. */
    record Route(String path, HttpServlet servlet) {
    }

    private Endpoints() {
    }

    static List<Route> routes() {
        return List.of(
                new Route("/mcp", new Mcp()),
                new Route("/health", new Health()),
                new Route("/inspector", new Inspector()),
                new Route("/upload", new Upload()),
                // a servlet container's prefix mapping; the exact mappings above take precedence
                new Route("/mcp/*", new Prefix("/mcp")),
                new Route("/inspector/*", new Prefix("/inspector")));
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

    /** MCP as a servlet written before the SDK: POST only, one JSON answer per message. */
    private static final class Mcp extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            send(McpJsonRpc.handle(request.getInputStream().readAllBytes()), response);
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
        if (reply.contentType() != null) {
            response.setContentType(reply.contentType());
        }
        response.setContentLength(reply.body().length);
        response.getOutputStream().write(reply.body());
    }
}
