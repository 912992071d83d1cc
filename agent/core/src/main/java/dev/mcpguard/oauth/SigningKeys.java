package dev.mcpguard.oauth;

/**
 * The JWT signing keys in force: empty until the first fetch, so that until then every JWT is
 * refused ({@code unknown_key}); replaced whole by the refresher, read by request threads without
 * a lock.
 */
public final class SigningKeys {
    private volatile KeySet current = KeySet.EMPTY;

    public KeySet current() {
        return current;
    }

    /** @return whether the keys changed */
    boolean replace(KeySet keys) {
        if (keys.sameKeys(current)) {
            return false;
        }
        current = keys;
        return true;
    }
}
