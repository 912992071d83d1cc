package dev.mcpguard.undertow;

import io.undertow.protocols.http2.Http2Channel;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.framed.AbstractFramedChannel;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import org.xnio.StreamConnection;

/**
 * The socket under an Undertow connection. With {@code useProxyProtocol} Undertow wraps each
 * connection in one that reports the addresses the PROXY header claims, and TLS may wrap that in
 * turn; neither wrapper hands out what it wraps, nor does an HTTP/2 connection its transport. Their
 * fields are read through handles resolved once, when this class is initialized in Undertow's class
 * loader; per request, a wrapper is recognized by its class. Where a handle cannot be resolved (an
 * Undertow whose internals differ), a connection that needs it fails the gates (fail closed), and
 * every other connection is served as before.
 */
final class UndertowSockets {
    private static final Unwrapper PROXY_PROTOCOL = Unwrapper.of(
            "io.undertow.server.protocol.proxy.ProxyProtocolReadListener$AddressWrappedConnection", "delegate");
    private static final Unwrapper TLS = Unwrapper.of("io.undertow.protocols.ssl.UndertowSslConnection", "delegate");
    private static final Http2Transport HTTP2 = Http2Transport.resolve();

    private UndertowSockets() {
    }

    /** The connection whose peer is the socket's, or {@code null} when the server connection has none. */
    static StreamConnection socket(ServerConnection connection) {
        StreamConnection channel = transport(connection);
        while (channel != null) {
            Class<?> type = channel.getClass();
            if (type == PROXY_PROTOCOL.type) {
                channel = PROXY_PROTOCOL.inner(channel);
            } else if (type == TLS.type) {
                channel = TLS.inner(channel);
            } else {
                return channel;
            }
        }
        return null;
    }

    /** Whether the connection began with a PROXY-protocol header: its peer speaks for another client. */
    static boolean proxied(ServerConnection connection) {
        StreamConnection channel = transport(connection);
        while (channel != null) {
            Class<?> type = channel.getClass();
            if (type == PROXY_PROTOCOL.type) {
                return true;
            }
            channel = type == TLS.type ? TLS.inner(channel) : null;
        }
        return false;
    }

    private static StreamConnection transport(ServerConnection connection) {
        if (connection instanceof AbstractServerConnection) {
            return ((AbstractServerConnection) connection).getChannel();
        }
        if (connection instanceof Http2ServerConnection) {
            return HTTP2.of((Http2ServerConnection) connection);
        }
        return null;
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
        return Class.forName(name, false, UndertowSockets.class.getClassLoader());
    }

    /** A connection class that wraps another in a private field. */
    private static final class Unwrapper {
        /** {@code null} when this Undertow has no such class: no connection is one. */
        final Class<?> type;
        private final VarHandle inner;
        private final RuntimeException unresolved;

        private Unwrapper(Class<?> type, VarHandle inner, RuntimeException unresolved) {
            this.type = type;
            this.inner = inner;
            this.unresolved = unresolved;
        }

        static Unwrapper of(String className, String field) {
            Class<?> type;
            try {
                type = load(className);
            } catch (ClassNotFoundException | LinkageError e) {
                return new Unwrapper(null, null, null);
            }
            try {
                VarHandle handle = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                        .findVarHandle(type, field, StreamConnection.class);
                return new Unwrapper(type, handle, null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Unwrapper(type, null, new IllegalStateException(
                        "mcpguard: cannot read " + className + "." + field + " on this Undertow", e));
            }
        }

        StreamConnection inner(StreamConnection wrapper) {
            if (inner == null) {
                throw unresolved;
            }
            return (StreamConnection) inner.get(wrapper);
        }
    }

    /** The transport under an HTTP/2 connection: its frame channel's underlying connection. */
    private static final class Http2Transport {
        private final VarHandle channel;
        private final MethodHandle underlying;
        private final RuntimeException unresolved;

        private Http2Transport(VarHandle channel, MethodHandle underlying, RuntimeException unresolved) {
            this.channel = channel;
            this.underlying = underlying;
            this.unresolved = unresolved;
        }

        static Http2Transport resolve() {
            try {
                VarHandle channel = MethodHandles.privateLookupIn(Http2ServerConnection.class, MethodHandles.lookup())
                        .findVarHandle(Http2ServerConnection.class, "channel", Http2Channel.class);
                MethodHandle underlying = MethodHandles.privateLookupIn(AbstractFramedChannel.class, MethodHandles.lookup())
                        .findVirtual(AbstractFramedChannel.class, "getUnderlyingConnection",
                                MethodType.methodType(StreamConnection.class));
                return new Http2Transport(channel, underlying, null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return new Http2Transport(null, null,
                        new IllegalStateException("mcpguard: cannot reach the socket of an HTTP/2 connection on this Undertow", e));
            }
        }

        StreamConnection of(Http2ServerConnection connection) {
            if (channel == null) {
                throw unresolved;
            }
            try {
                return (StreamConnection) underlying.invoke((AbstractFramedChannel) channel.get(connection));
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
