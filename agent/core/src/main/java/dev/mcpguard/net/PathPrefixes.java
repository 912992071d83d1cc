package dev.mcpguard.net;

import java.util.List;

/**
 * Path prefixes matched on whole segments: {@code /inspector} matches {@code /inspector} and
 * {@code /inspector/x}, never {@code /inspectorx}. Paths and prefixes are both normalized.
 */
public final class PathPrefixes {
    private final String[] prefixes;
    private final boolean ignoreCase;

    private PathPrefixes(String[] prefixes, boolean ignoreCase) {
        this.prefixes = prefixes;
        this.ignoreCase = ignoreCase;
    }

    /**
     * @param prefixes   raw prefixes, each normalized here
     * @param ignoreCase {@code true} for restrictions (match broadly), {@code false} for exemptions
     * @throws IllegalArgumentException naming a prefix that does not normalize
     */
    public static PathPrefixes of(List<String> prefixes, boolean ignoreCase) {
        String[] normalized = new String[prefixes.size()];
        for (int i = 0; i < normalized.length; i++) {
            String prefix = prefixes.get(i);
            normalized[i] = PathNormalizer.normalize(prefix);
            if (normalized[i] == null || "*".equals(normalized[i]) || prefix.indexOf('?') >= 0) {
                throw new IllegalArgumentException(prefix);
            }
        }
        return new PathPrefixes(normalized, ignoreCase);
    }

    public boolean isEmpty() {
        return prefixes.length == 0;
    }

    /** @param path a normalized path */
    public boolean matches(String path) {
        for (String prefix : prefixes) {
            int length = prefix.length();
            if (length == 1) {
                return true; // "/" covers everything
            }
            if (path.regionMatches(ignoreCase, 0, prefix, 0, length)
                    && (path.length() == length || path.charAt(length) == '/')) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return prefixes.length == 0 ? "none" : String.join(",", prefixes);
    }
}
