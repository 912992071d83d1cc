package dev.mcpguard.core;

/**
 * Turns a presented bearer token into an {@link Authentication}. Called on the request thread:
 * no I/O, no locks, no allocation on the path of a known credential.
 */
public interface BearerAuthenticator {

    /**
     * @param value     the {@code Authorization} header's value
     * @param from      where the token starts in {@code value}
     * @param to        where it ends (exclusive); {@code value[from, to)} is an RFC 6750 b64token
     * @param nowMillis the request's time, epoch milliseconds
     */
    Authentication authenticate(String value, int from, int to, long nowMillis);
}
