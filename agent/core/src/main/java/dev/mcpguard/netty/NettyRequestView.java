package dev.mcpguard.netty;

import dev.mcpguard.core.RequestView;
import dev.mcpguard.net.ByteChars;
import dev.mcpguard.net.RequestTarget;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Netty request head as the gates see it. Addresses come from the channel, that is the socket:
 * Reactor Netty's {@code forwarded(true)} rewrites its own request object, never the channel, and
 * the address a PROXY-protocol header claims is kept by the application (Reactor Netty, Vert.x),
 * never set on the channel.
 */
final class NettyRequestView extends NettyConnectionView {
    private final HttpRequest request;
    private final HttpHeaders headers;

    NettyRequestView(HttpRequest request, Channel channel) {
        super(channel);
        this.request = request;
        this.headers = request.headers();
    }

    @Override
    public String method() {
        return request.method().name();
    }

    /** The request-target's path as Netty-based routers read it (see {@link RequestTarget}). */
    @Override
    public String rawPath() {
        // Netty decodes the request line one char per byte.
        return ByteChars.asUtf8(RequestTarget.path(request.uri()));
    }

    @Override
    public String targetAuthority() {
        return RequestTarget.authority(request.uri());
    }

    /** Everything after the first {@code ?}, a fragment included: looking at more can only refuse more. */
    @Override
    public String rawQuery() {
        String target = request.uri();
        int query = target.indexOf('?');
        return query < 0 ? null : target.substring(query + 1);
    }

    @Override
    public int headerCount(String name) {
        if (!headers.contains(name)) {
            return 0; // the usual answer, found without allocating
        }
        int count = 0;
        for (Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(name); values.hasNext(); values.next()) {
            count++;
        }
        return count;
    }

    @Override
    public String onlyHeader(String name) {
        if (!headers.contains(name)) {
            return null;
        }
        Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(name);
        CharSequence first = values.next();
        return values.hasNext() ? SEVERAL : first.toString();
    }

    /** In the order received: {@code get} gives the first value, {@code getAll} all in order. */
    @Override
    public String header(String name, int index) {
        if (index == 0) {
            return headers.get(name);
        }
        List<String> values = headers.getAll(name);
        return index < values.size() ? values.get(index) : null;
    }

    @Override
    public boolean everyHeader(String name, Predicate<String> test) {
        if (!headers.contains(name)) {
            return true;
        }
        for (Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(name); values.hasNext(); ) {
            CharSequence value = values.next();
            if (value == null || !test.test(value.toString())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean hasHeaderStartingWith(String lowerCasePrefix) {
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
        while (fields.hasNext()) {
            if (AsciiString.regionMatchesAscii(fields.next().getKey(), true, 0, lowerCasePrefix, 0, lowerCasePrefix.length())) {
                return true;
            }
        }
        return false;
    }
}
