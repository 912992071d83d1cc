package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.mcpguard.core.ActiveGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The JDK server answers a request no context matches with its own 404, before any filter: no
 * gate would see it. Each server gets a fallback context, kept out of its context list (so the
 * application's own contexts, a {@code /} one included, are untouched), that the context lookup
 * returns instead of nothing: the gate filter runs first in it like in any other, and what it lets
 * through is answered the 404 the server would have sent.
 *
 * <p>Public, like every class the inlined advice calls: the advice runs in the server's classes.
 * Servers created before an attach have no fallback: their unmatched requests keep the
 * server's own 404, which serves nothing.
 */
public final class NoContext {
    private static final Constructor<?> NEW_CONTEXT = contextConstructor();

    /** ContextList to its server's fallback context; weak, so stopped servers are not kept. */
    private static final Map<Object, Object> FALLBACKS = Collections.synchronizedMap(new WeakHashMap<>());

    private NoContext() {
    }

    public static void serverCreated(Object server, Object contexts, String protocol) {
        if (NEW_CONTEXT == null || contexts == null) {
            return;
        }
        try {
            FALLBACKS.put(contexts, NEW_CONTEXT.newInstance(protocol, "/", new NotFound(), server));
        } catch (Throwable error) {
            ActiveGuard.get().internalError(JdkHttpGate.STACK + " fallback context", error);
        }
    }

    /** Only on the lookup's miss: the lock is never taken for a request a context serves. */
    public static Object fallback(Object contexts) {
        return FALLBACKS.get(contexts);
    }

    /**
     * Reflection, once a JVM, at server creation: a method handle's adapters are spun in
     * java.base, whose loader cannot resolve the server's {@code HttpHandler}.
     */
    private static Constructor<?> contextConstructor() {
        try {
            ClassLoader loader = HttpExchange.class.getClassLoader();
            Class<?> context = Class.forName("sun.net.httpserver.HttpContextImpl", false, loader);
            Class<?> server = Class.forName("sun.net.httpserver.ServerImpl", false, loader);
            Constructor<?> constructor = context.getDeclaredConstructor(String.class, String.class, HttpHandler.class, server);
            constructor.setAccessible(true);
            return constructor;
        } catch (ReflectiveOperationException | RuntimeException e) {
            ActiveGuard.get().internalError(JdkHttpGate.STACK + " fallback context", e);
            return null;
        }
    }

    /** What the server itself sends when no context matches. */
    static final class NotFound implements HttpHandler {
        private static final byte[] BODY =
                "<h1>404 Not Found</h1>No context found for request".getBytes(StandardCharsets.ISO_8859_1);

        @Override
        public void handle(HttpExchange exchange) throws IOException {
            try {
                exchange.getResponseHeaders().set("Content-Type", "text/html");
                exchange.sendResponseHeaders(404, BODY.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(BODY);
                }
            } finally {
                exchange.close();
            }
        }
    }
}
