package dev.mcpguard.core;

import java.util.function.Predicate;

/**
 * What a gate may know of a request, whatever server it arrived on. Adapters implement it over
 * their server's own request object, reading lazily: most gates look at one or two fields.
 *
 * <p>Addresses come from the connection (the TCP or Unix-domain socket), never from a header or
 * from a server field that forwarded-header handling may have rewritten.
 */
public interface RequestView {

    String method();

    /**
     * The request-target path as the client sent it, percent-escapes intact; anything from
     * {@code ?} on is ignored. Non-ASCII bytes are given decoded as UTF-8 (an invalid sequence
     * as U+FFFD, which the PATH gate refuses).
     */
    String rawPath();

    /**
     * For a server that hands a request to the handler mounted at a path prefix without segment
     * boundaries (the JDK server runs the {@code /inspector} context for {@code /inspectorx}):
     * that prefix, which restrictions then also apply to. {@code null} for servers that route on
     * whole segments.
     */
    default String routedPrefix() {
        return null;
    }

    /**
     * The authority the server takes the request's host from when that is not a {@code Host}
     * field: HTTP/2's {@code :authority}, or the authority of an absolute-form request-target.
     * {@code null} when the request has none. The ORIGIN gate checks it like a {@code Host} value,
     * and every {@code Host} field as well.
     */
    default String targetAuthority() {
        return null;
    }

    /** The raw query string without {@code ?}, or {@code null}. Never logged. */
    String rawQuery();

    /** How many header fields carry this name (case-insensitive). */
    int headerCount(String name);

    /** The value of the {@code index}-th field with this name, or {@code null}. */
    String header(String name, int index);

    default String header(String name) {
        return header(name, 0);
    }

    /**
     * What {@link #onlyHeader} returns when several fields carry the name; compared by identity,
     * never equal to a value a server hands over.
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    String SEVERAL = new String("<several header fields>");

    /**
     * The value when exactly one field carries this name (case-insensitive), {@code null} when
     * none does, {@link #SEVERAL} otherwise. The gates' common question, answered in one pass
     * over the header table instead of a count and then a lookup.
     */
    default String onlyHeader(String name) {
        int count = headerCount(name);
        return count == 0 ? null : count == 1 ? header(name, 0) : SEVERAL;
    }

    /**
     * Whether the value of every field with this name passes {@code test}; {@code true} when no
     * field has the name. Stops at the first that fails. Views whose {@link #header(String, int)}
     * walks the table override it with one pass: a client may repeat a field many thousand times,
     * and a walk per index would cost the square of that.
     */
    default boolean everyHeader(String name, Predicate<String> test) {
        for (int i = 0, n = headerCount(name); i < n; i++) {
            String value = header(name, i);
            if (value == null || !test.test(value)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any header field name starts with this lower-case prefix, ignoring case. */
    boolean hasHeaderStartingWith(String lowerCasePrefix);

    /**
     * The socket peer's IP address as text, {@link dev.mcpguard.net.PeerAddresses#UNIX_DOMAIN}
     * for a Unix-domain socket, or {@code null} when unknown (never treated as loopback).
     */
    String peerAddress();

    /** The connection's local (server) address, same conventions as {@link #peerAddress()}. */
    String localAddress();

    /**
     * Whether the connection carries its client's address inside the protocol (the PROXY
     * protocol, AJP): its peer is a relay speaking for someone else, whatever it claims.
     * {@link #peerAddress()} stays the socket's own peer.
     */
    default boolean relayedConnection() {
        return false;
    }
}
