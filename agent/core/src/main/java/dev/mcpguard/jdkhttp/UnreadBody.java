package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;

/**
 * Abandons the unread rest of a refused request's body. Closing a JDK exchange drains up to
 * 64 KiB of the body first, so a client that declares a body and never sends it would hold the
 * server's thread until it gives up; the public API cannot end an exchange without that drain.
 * Shutting down the input side of its socket makes the drain see the end at once; the refusal,
 * already written, still reaches the client, and the connection is closed as it says.
 *
 * <p>The socket is reached through {@code sun.net.httpserver} (opened to this class's module by
 * the agent, see {@code packagesOpenedToHelpers}), resolved once. Where that fails (another JDK's
 * internals), exchanges are closed the public way, with the drain.
 */
final class UnreadBody {
    private static final MethodHandle HTTP = channel("sun.net.httpserver.HttpExchangeImpl");
    private static final MethodHandle HTTPS = channel("sun.net.httpserver.HttpsExchangeImpl");

    private UnreadBody() {
    }

    /** Where the socket cannot be reached, the exchange's close drains as it always did. */
    static void abandon(HttpExchange exchange) throws Throwable {
        String type = exchange.getClass().getName();
        MethodHandle channel = type.equals("sun.net.httpserver.HttpExchangeImpl") ? HTTP
                : type.equals("sun.net.httpserver.HttpsExchangeImpl") ? HTTPS : null;
        if (channel == null) {
            return;
        }
        SocketChannel socket = (SocketChannel) channel.invokeExact(exchange);
        if (socket == null || !socket.isOpen()) {
            return;
        }
        try {
            socket.shutdownInput();
        } catch (IOException alreadyGone) {
            // the client closed first: nothing left to drain
        }
    }

    /** {@code exchange.getExchangeImpl().getConnection().getChannel()}, as {@code (HttpExchange) -> SocketChannel}. */
    private static MethodHandle channel(String exchangeType) {
        try {
            ClassLoader loader = HttpExchange.class.getClassLoader();
            Class<?> exchange = Class.forName(exchangeType, false, loader);
            Class<?> impl = Class.forName("sun.net.httpserver.ExchangeImpl", false, loader);
            Class<?> connection = Class.forName("sun.net.httpserver.HttpConnection", false, loader);
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(exchange, MethodHandles.lookup());
            MethodHandle chain = MethodHandles.filterReturnValue(
                    MethodHandles.filterReturnValue(
                            lookup.findVirtual(exchange, "getExchangeImpl", MethodType.methodType(impl)),
                            lookup.findVirtual(impl, "getConnection", MethodType.methodType(connection))),
                    lookup.findVirtual(connection, "getChannel", MethodType.methodType(SocketChannel.class)));
            return chain.asType(MethodType.methodType(SocketChannel.class, HttpExchange.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
