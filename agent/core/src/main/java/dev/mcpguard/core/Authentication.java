package dev.mcpguard.core;

/**
 * What a {@link BearerAuthenticator} made of a presented token: a {@link Principal}, or why not
 * (the decision line's {@code mcpguard.detail}). Successes are built once per credential and
 * failures are constants, so that authenticating allocates nothing.
 */
public final class Authentication {
    /** No credential matches: the token is unknown (a static token) or was never issued to us. */
    public static final Authentication UNKNOWN = failed(null);
    public static final Authentication EXPIRED = failed("expired");
    public static final Authentication NOT_YET_VALID = failed("not_yet_valid");
    public static final Authentication SIGNATURE = failed("signature");
    public static final Authentication ISSUER = failed("issuer");
    public static final Authentication AUDIENCE = failed("audience");
    public static final Authentication UNKNOWN_KEY = failed("unknown_key");
    public static final Authentication ALGORITHM = failed("algorithm");
    public static final Authentication MALFORMED = failed("malformed");

    private final Principal principal;
    private final String detail;

    private Authentication(Principal principal, String detail) {
        this.principal = principal;
        this.detail = detail;
    }

    private static Authentication failed(String detail) {
        return new Authentication(null, detail);
    }

    /** A success; build it once per credential and hand out the same instance. */
    public static Authentication of(Principal principal) {
        if (principal == null) {
            throw new IllegalArgumentException("a success needs a principal");
        }
        return new Authentication(principal, null);
    }

    /** {@code null} when the token is refused. */
    public Principal principal() {
        return principal;
    }

    /** Why the token is refused, for the decision log; {@code null} for a success or an unknown token. */
    public String detail() {
        return detail;
    }
}
