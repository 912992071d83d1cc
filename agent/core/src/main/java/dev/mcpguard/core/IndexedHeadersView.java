package dev.mcpguard.core;

import java.util.function.Predicate;

/**
 * A {@link RequestView} over a server's header table that is indexed by position, as most
 * servers keep theirs: adapters supply the four accessors, the lookups are shared.
 */
public abstract class IndexedHeadersView implements RequestView {

    /** The number of header fields. */
    protected abstract int fieldCount();

    /** Whether field {@code i} has this name, ignoring case. */
    protected abstract boolean fieldNameIs(int i, String name);

    /** Whether field {@code i}'s name starts with this lower-case prefix, ignoring case. */
    protected abstract boolean fieldNameStartsWith(int i, String lowerCasePrefix);

    /** The value of field {@code i}. */
    protected abstract String fieldValue(int i);

    @Override
    public final int headerCount(String name) {
        int count = 0;
        for (int i = 0, n = fieldCount(); i < n; i++) {
            if (fieldNameIs(i, name)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public final String header(String name, int index) {
        int seen = 0;
        for (int i = 0, n = fieldCount(); i < n; i++) {
            if (fieldNameIs(i, name) && seen++ == index) {
                return fieldValue(i);
            }
        }
        return null;
    }

    @Override
    public final String onlyHeader(String name) {
        int found = -1;
        for (int i = 0, n = fieldCount(); i < n; i++) {
            if (fieldNameIs(i, name)) {
                if (found >= 0) {
                    return SEVERAL;
                }
                found = i;
            }
        }
        return found < 0 ? null : fieldValue(found);
    }

    @Override
    public final boolean everyHeader(String name, Predicate<String> test) {
        for (int i = 0, n = fieldCount(); i < n; i++) {
            if (fieldNameIs(i, name)) {
                String value = fieldValue(i);
                if (value == null || !test.test(value)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public final boolean hasHeaderStartingWith(String lowerCasePrefix) {
        for (int i = 0, n = fieldCount(); i < n; i++) {
            if (fieldNameStartsWith(i, lowerCasePrefix)) {
                return true;
            }
        }
        return false;
    }
}
