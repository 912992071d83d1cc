package dev.mcpguard.frameworks;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.OutputStream;

/** Javalin 7 on Jetty 12: exact routes and {@code /mcp/<path>}, {@code /inspector/<path>} wildcards. */
final class JavalinApp {

    private JavalinApp() {
    }

    static int start(String host, int port) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            config.routes.post("/mcp", ctx -> ctx.contentType(Answers.JSON).result(Answers.mcp("javalin")));
            config.routes.get("/inspector", ctx -> ctx.contentType("text/html").result(Answers.inspector("javalin")));
            config.routes.get("/health", ctx -> ctx.contentType(Answers.TEXT).result(Answers.health()));
            config.routes.post("/upload", ctx -> ctx.contentType(Answers.JSON).result(
                    Answers.uploaded(ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream()))));
            for (HandlerType method : new HandlerType[] {HandlerType.GET, HandlerType.POST}) {
                config.routes.addHttpHandler(method, "/mcp/<path>", ctx -> prefix(ctx, "/mcp"));
                config.routes.addHttpHandler(method, "/inspector/<path>", ctx -> prefix(ctx, "/inspector"));
            }
        });
        app.start();
        return app.port();
    }

    private static void prefix(Context ctx, String prefix) {
        ctx.contentType(Answers.TEXT).result(Answers.prefix(prefix, ctx.path()));
    }
}
