package dev.mcpguard.oauth;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.mcpguard.config.Config;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where the JWKS comes from: a file, a URL, or the URL the issuer's metadata names (design §9). */
abstract class KeySource {

    /** @return the JWKS text */
    abstract String read() throws IOException;

    /** Whether it changed since the last {@link #read()}; checked every second where that can be known cheaply. */
    boolean changed() {
        return false;
    }

    /** Whether {@link #changed()} is worth asking every second. */
    boolean watched() {
        return false;
    }

    static KeySource of(JwtPolicy policy) {
        if (policy.jwksFile() != null) {
            return new FileSource(policy.jwksFile());
        }
        return policy.jwksUrl() != null ? new UrlSource(policy.jwksUrl()) : new Discovery(policy.issuer());
    }

    /** {@code MCPGUARD_JWKS_FILE}: read again when its modification time or size changes. */
    static final class FileSource extends KeySource {
        private final Path file;
        private String readStamp;

        FileSource(Path file) {
            this.file = file;
        }

        @Override
        String read() throws IOException {
            readStamp = stamp();
            return Files.readString(file, StandardCharsets.UTF_8);
        }

        @Override
        boolean changed() {
            return !stamp().equals(readStamp);
        }

        @Override
        boolean watched() {
            return true;
        }

        private String stamp() {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return attributes.lastModifiedTime().toMillis() + "/" + attributes.size();
            } catch (IOException e) {
                return "unreadable"; // one read attempt, whose error is logged, until it is back
            }
        }
    }

    /** {@code MCPGUARD_JWKS_URL}. */
    static final class UrlSource extends KeySource {
        private final String url;

        UrlSource(String url) {
            this.url = url;
        }

        @Override
        String read() throws IOException {
            return HttpFetch.get(url);
        }
    }

    /**
     * The issuer's metadata, found as MCP clients find it: RFC 8414 with the well-known segment
     * inserted before the issuer's path, then OpenID Connect's inserted, then OpenID Connect's
     * appended. A document naming another issuer is not used (RFC 8414 §3.3: it could send us to
     * another issuer's keys). Fetched anew at each refresh, so a changed {@code jwks_uri} is followed.
     */
    static final class Discovery extends KeySource {
        private final String issuer;

        Discovery(String issuer) {
            this.issuer = issuer;
        }

        static List<String> metadataUrls(String issuer) {
            URI uri = URI.create(issuer);
            String origin = uri.getScheme() + "://" + uri.getRawAuthority();
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            Set<String> urls = new LinkedHashSet<>();
            urls.add(origin + "/.well-known/oauth-authorization-server" + path);
            urls.add(origin + "/.well-known/openid-configuration" + path);
            urls.add(origin + path + "/.well-known/openid-configuration");
            return new ArrayList<>(urls);
        }

        @Override
        String read() throws IOException {
            List<String> problems = new ArrayList<>();
            for (String url : metadataUrls(issuer)) {
                String jwksUri;
                try {
                    Map<String, Object> metadata = JSONObjectUtils.parse(HttpFetch.get(url));
                    if (!issuer.equals(JSONObjectUtils.getString(metadata, "issuer"))) {
                        problems.add(url + " names another issuer");
                        continue;
                    }
                    jwksUri = JSONObjectUtils.getString(metadata, "jwks_uri");
                } catch (IOException | ParseException e) {
                    problems.add(url + ": " + e.getMessage());
                    continue;
                }
                if (jwksUri == null || !Config.isSecureUrl(jwksUri)) {
                    problems.add(url + " names no jwks_uri the agent may fetch (https, or http to loopback)");
                    continue;
                }
                try {
                    return HttpFetch.get(jwksUri);
                } catch (IOException e) {
                    throw new IOException(jwksUri + " (the jwks_uri of " + url + "): " + e.getMessage(), e);
                }
            }
            throw new IOException("no metadata of issuer " + issuer + ": " + String.join("; ", problems));
        }
    }
}
