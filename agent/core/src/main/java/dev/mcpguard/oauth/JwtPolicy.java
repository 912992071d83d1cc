package dev.mcpguard.oauth;

import java.nio.file.Path;
import java.util.List;

/**
 * How JWT access tokens are judged, from the knobs (design §9). Holds no key and touches no JOSE
 * class, so that reading the knobs costs a JVM that never sees a JWT nothing more.
 *
 * @param issuer       the exact {@code iss}
 * @param audiences    accepted {@code aud} values, at least one
 * @param algorithms   accepted {@code alg} values, never {@code none} or {@code HS*}
 * @param leewayMillis clock skew allowed on {@code exp} and {@code nbf}
 * @param jwksUrl      where the keys are fetched, or {@code null}
 * @param jwksFile     the file the keys are read from, or {@code null}; with neither, the issuer's metadata names them
 */
public record JwtPolicy(String issuer, List<String> audiences, List<String> algorithms, long leewayMillis,
                        String jwksUrl, Path jwksFile) {
    public JwtPolicy {
        audiences = List.copyOf(audiences);
        algorithms = List.copyOf(algorithms);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("a JWT must be issued for this server: an audience is needed");
        }
        if (jwksUrl != null && jwksFile != null) {
            throw new IllegalArgumentException("one key source");
        }
    }

    /** Where the keys come from, for the log. */
    public String keySource() {
        return jwksFile != null ? "file " + jwksFile : jwksUrl != null ? jwksUrl : "the jwks_uri of " + issuer + "'s metadata";
    }
}
