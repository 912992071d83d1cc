package dev.mcpguard.bench;

import dev.mcpguard.core.IndexedHeadersView;

/**
 * A request view over plain arrays, shaped like the adapters' views (an indexed header table,
 * names compared ignoring case), so that the benchmark measures the gates and not a test fixture.
 */
final class ArrayRequest extends IndexedHeadersView {
    private final String method;
    private final String path;
    private final String query;
    private final String[] names;
    private final String[] values;
    private final String peer;
    private final String local;

    ArrayRequest(String method, String target, String peer, String local, String... headers) {
        this.method = method;
        int q = target.indexOf('?');
        this.path = target;
        this.query = q < 0 ? null : target.substring(q + 1);
        this.names = new String[headers.length / 2];
        this.values = new String[headers.length / 2];
        for (int i = 0; i < names.length; i++) {
            names[i] = headers[2 * i];
            values[i] = headers[2 * i + 1];
        }
        this.peer = peer;
        this.local = local;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String rawPath() {
        return path;
    }

    @Override
    public String rawQuery() {
        return query;
    }

    @Override
    protected int fieldCount() {
        return names.length;
    }

    @Override
    protected boolean fieldNameIs(int i, String name) {
        return names[i].equalsIgnoreCase(name);
    }

    @Override
    protected boolean fieldNameStartsWith(int i, String lowerCasePrefix) {
        return names[i].regionMatches(true, 0, lowerCasePrefix, 0, lowerCasePrefix.length());
    }

    @Override
    protected String fieldValue(int i) {
        return values[i];
    }

    @Override
    public String peerAddress() {
        return peer;
    }

    @Override
    public String localAddress() {
        return local;
    }
}
