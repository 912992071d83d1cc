package dev.mcpguard.authserver;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Authorization Server with two client_credentials clients, RS256 JWT access tokens from {@link SigningKeys},
 * and RFC 8707 audiences. The settings the tests rely on ({@code /.well-known/oauth-authorization-server},
 * {@code /oauth2/jwks}, {@code /oauth2/token}) are Spring's defaults.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class AuthServerConfig {

    /** RFC 8707 §2: the resource indicator a client names the protected resource by. */
    private static final String RESOURCE = "resource";

    @Bean
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        // only the authorization server's endpoints: the test endpoints are servlets of their own
        http.oauth2AuthorizationServer(server -> {
                    server.oidc(Customizer.withDefaults());
                    http.securityMatcher(server.getEndpointsMatcher());
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated());
        return http.build();
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(Issuer issuer) {
        return AuthorizationServerSettings.builder().issuer(issuer.uri()).build();
    }

    @Bean
    RegisteredClientRepository clients(Options options) {
        TokenSettings tokens = TokenSettings.builder().accessTokenTimeToLive(options.tokenTtl()).build();
        return new InMemoryRegisteredClientRepository(
                client("mcp-client", "mcp-secret", tokens, "mcp:read", "mcp:tools"),
                client("other-client", "other-secret", tokens, "other"));
    }

    private static RegisteredClient client(String id, String secret, TokenSettings tokens, String... scopes) {
        return RegisteredClient.withId(id)
                .clientId(id)
                .clientSecret("{noop}" + secret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scopes(granted -> granted.addAll(List.of(scopes)))
                .tokenSettings(tokens)
                .build();
    }

    /** What the JWKS endpoint serves: every key, newest first, public parts only. */
    @Bean
    JWKSource<SecurityContext> publishedKeys(SigningKeys keys) {
        return (selector, context) -> selector.select(keys.published());
    }

    /** OIDC's user-info endpoint takes the server's own access tokens; on for its discovery document. */
    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> publishedKeys) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(publishedKeys);
    }

    /**
     * Signs with the newest key only: given all published keys, Spring's encoder would find several RS256 keys and
     * refuse to choose. It names the key it used in the header's {@code kid}.
     */
    @Bean
    JwtEncoder jwtEncoder(SigningKeys keys) {
        return new NimbusJwtEncoder((selector, context) -> selector.select(new JWKSet(keys.signing())));
    }

    /** {@code aud} is the RFC 8707 {@code resource} when the request names one (else Spring's: the client id); {@code client_id} added. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> accessTokenClaims() {
        return context -> {
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
            Map<String, Object> parameters = context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken grant
                    ? grant.getAdditionalParameters() : Map.of();
            Object resource = parameters.get(RESOURCE);
            if (resource != null) {
                context.getClaims().audience(List.of(absoluteUri(resource)));
            }
            context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
        };
    }

    /** RFC 8707 §2: one absolute URI without a fragment, else {@code invalid_target}. */
    private static String absoluteUri(Object resource) {
        if (resource instanceof String value) {
            try {
                URI uri = new URI(value);
                if (uri.isAbsolute() && uri.getFragment() == null) {
                    return value;
                }
            } catch (URISyntaxException e) {
                // refused below, like any other value that is not an absolute URI
            }
        }
        throw new OAuth2AuthenticationException(new OAuth2Error("invalid_target",
                "resource must be one absolute URI without a fragment", "https://www.rfc-editor.org/rfc/rfc8707#section-2"));
    }

    /** The issuer identifier, known once the port is bound. */
    record Issuer(String uri) {}
}
