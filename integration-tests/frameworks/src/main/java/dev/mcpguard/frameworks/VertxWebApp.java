package dev.mcpguard.frameworks;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Vert.x Web's {@link Router} (the router of Quarkus' reactive routes and of plain Vert.x apps): exact routes, a
 * {@code /mcp/*} wildcard and an {@code /inspector*} prefix; the router matches on its normalized path.
 */
final class VertxWebApp {

    private VertxWebApp() {
    }

    static int start(String host, int port) throws Exception {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.post("/mcp").handler(BodyHandler.create()).handler(ctx -> send(ctx, Answers.JSON, Answers.mcp("vertx-web")));
        router.route("/mcp/*").handler(ctx -> send(ctx, Answers.TEXT, Answers.prefix("/mcp", ctx.request().path())));
        router.get("/inspector").handler(ctx -> send(ctx, "text/html", Answers.inspector("vertx-web")));
        router.route("/inspector*").handler(ctx -> send(ctx, Answers.TEXT,
                Answers.prefix("/inspector", ctx.request().path())));
        router.get("/health").handler(ctx -> send(ctx, Answers.TEXT, Answers.health()));
        router.post("/upload").handler(BodyHandler.create()).handler(ctx -> send(ctx, Answers.JSON,
                Answers.uploaded(ctx.body().length())));
        HttpServer server = vertx.createHttpServer().requestHandler(router)
                .listen(port, host).toCompletionStage().toCompletableFuture().get();
        return server.actualPort();
    }

    private static void send(RoutingContext ctx, String type, String body) {
        ctx.response().putHeader("Content-Type", type).end(body);
    }
}
