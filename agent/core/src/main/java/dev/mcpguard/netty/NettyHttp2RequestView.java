package dev.mcpguard.netty;

import dev.mcpguard.core.RequestView;
import dev.mcpguard.net.ByteChars;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One HTTP/2 stream's request head as Netty decoded it, the same {@link Http2Headers} every Netty
 * HTTP/2 server routes on. Addresses come from the connection's socket channel.
 *
 * <p>Field names are matched ignoring case although HTTP/2 sends them in lower case: a server
 * that turns header validation off would otherwise hand its application an {@code Origin} the
 * gates never saw. Pseudo-header fields start with {@code :} and never match a field name.
 */
final class NettyHttp2RequestView extends NettyConnectionView {
    private final Http2Headers headers;
    /**
     * The pseudo-header fields, read once: servers strip them from the very {@link Http2Headers}
     * they were handed (Vert.x does), while a streamed body's decision line still needs them.
     */
    private final String method;
    private final String target;
    private final String authority;

    NettyHttp2RequestView(Http2Headers headers, Channel channel) {
        super(channel);
        this.headers = headers;
        this.method = text(headers.method());
        this.target = text(headers.path());
        this.authority = text(headers.authority());
    }

    private static String text(CharSequence value) {
        return value == null ? null : value.toString();
    }

    @Override
    public String method() {
        return method;
    }

    /**
     * {@code :path} as it is: HTTP/2 allows only the origin and asterisk forms there, so anything
     * else (an absolute form, no {@code :path} at all, as in CONNECT) is refused by the PATH gate.
     */
    @Override
    public String rawPath() {
        return target == null ? null : ByteChars.asUtf8(target);
    }

    @Override
    public String targetAuthority() {
        return authority == null ? null : ByteChars.asUtf8(authority);
    }

    @Override
    public String rawQuery() {
        int query = target == null ? -1 : target.indexOf('?');
        return query < 0 ? null : target.substring(query + 1);
    }

    @Override
    public int headerCount(String name) {
        int count = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (AsciiString.contentEqualsIgnoreCase(field.getKey(), name)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public String header(String name, int index) {
        int seen = 0;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (AsciiString.contentEqualsIgnoreCase(field.getKey(), name) && seen++ == index) {
                return field.getValue().toString();
            }
        }
        return null;
    }

    @Override
    public String onlyHeader(String name) {
        CharSequence found = null;
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (AsciiString.contentEqualsIgnoreCase(field.getKey(), name)) {
                if (found != null) {
                    return SEVERAL;
                }
                found = field.getValue();
            }
        }
        return found == null ? null : found.toString();
    }

    @Override
    public boolean everyHeader(String name, Predicate<String> test) {
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (AsciiString.contentEqualsIgnoreCase(field.getKey(), name)
                    && (field.getValue() == null || !test.test(field.getValue().toString()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean hasHeaderStartingWith(String lowerCasePrefix) {
        for (Map.Entry<CharSequence, CharSequence> field : headers) {
            if (AsciiString.regionMatchesAscii(field.getKey(), true, 0, lowerCasePrefix, 0, lowerCasePrefix.length())) {
                return true;
            }
        }
        return false;
    }
}
