package dev.mcpguard.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An in-memory {@link RequestView}. Header names are case-insensitive and may repeat; a header
 * registered with {@link Builder#failingHeader} makes {@link #header(String, int)} throw, to
 * simulate a gate failing inside an adapter's request view.
 */
public final class FakeRequest implements RequestView {
    private final String method;
    private final String target;
    private final boolean relayed;
    private final List<String[]> headers;
    private final Set<String> failing;
    private final String peer;
    private final String local;
    private final String authority;

    private FakeRequest(Builder builder) {
        this.method = builder.method;
        this.target = builder.target;
        this.relayed = builder.relayed;
        this.headers = List.copyOf(builder.headers);
        this.failing = Set.copyOf(builder.failing);
        this.peer = builder.peer;
        this.local = builder.local;
        this.authority = builder.authority;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String method() {
        return method;
    }

    /** The whole request target, query included: the view's contract says the query is ignored. */
    @Override
    public String rawPath() {
        return target;
    }

    @Override
    public String targetAuthority() {
        return authority;
    }

    @Override
    public String rawQuery() {
        int query = target == null ? -1 : target.indexOf('?');
        return query < 0 ? null : target.substring(query + 1);
    }

    @Override
    public int headerCount(String name) {
        int count = 0;
        for (String[] header : headers) {
            count += header[0].equalsIgnoreCase(name) ? 1 : 0;
        }
        return count;
    }

    @Override
    public String header(String name, int index) {
        if (failing.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("simulated failure reading " + name);
        }
        int seen = 0;
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name) && seen++ == index) {
                return header[1];
            }
        }
        return null;
    }

    @Override
    public boolean everyHeader(String name, Predicate<String> test) {
        if (failing.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("simulated failure reading " + name);
        }
        for (String[] header : headers) {
            if (header[0].equalsIgnoreCase(name) && !test.test(header[1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean hasHeaderStartingWith(String lowerCasePrefix) {
        for (String[] header : headers) {
            if (header[0].toLowerCase(Locale.ROOT).startsWith(lowerCasePrefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String peerAddress() {
        return peer;
    }

    @Override
    public String localAddress() {
        return local;
    }

    @Override
    public boolean relayedConnection() {
        return relayed;
    }

    public static final class Builder {
        private String method = "POST";
        private String target = "/mcp";
        private boolean relayed;
        private final List<String[]> headers = new ArrayList<>();
        private final Set<String> failing = new HashSet<>();
        private String peer = "127.0.0.1";
        private String local = "127.0.0.1";
        private String authority;

        private Builder() {
        }

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        /** The request target as sent: path, then optionally {@code ?query}. */
        public Builder target(String target) {
            this.target = target;
            return this;
        }

        /** Adds a header field; call again with the same name for a repeated field. */
        public Builder header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        /** Removes every field with this name (any case). */
        public Builder withoutHeader(String name) {
            headers.removeIf(header -> header[0].equalsIgnoreCase(name));
            return this;
        }

        /** Makes reading this header's value throw. */
        public Builder failingHeader(String name) {
            failing.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        /** HTTP/2's {@code :authority}, or an absolute-form target's authority, as the server read it. */
        public Builder authority(String authority) {
            this.authority = authority;
            return this;
        }

        public Builder peer(String peer) {
            this.peer = peer;
            return this;
        }

        public Builder local(String local) {
            this.local = local;
            return this;
        }

        /** A connection that carries its client's address in the protocol (PROXY protocol, AJP). */
        public Builder relayed() {
            this.relayed = true;
            return this;
        }

        public FakeRequest build() {
            return new FakeRequest(this);
        }
    }
}
