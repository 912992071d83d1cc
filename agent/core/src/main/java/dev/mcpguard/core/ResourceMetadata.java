package dev.mcpguard.core;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The OAuth protected-resource metadata (RFC 9728) the agent serves for a server that has none,
 * so that MCP clients following {@code resource_metadata} from a 401 find where to get a token.
 * Rendered once; answered at the root well-known URL and at the one suffixed with the resource's
 * path (RFC 9728 §3.1), to {@code GET} and {@code HEAD}, only when the request's raw path is
 * exactly one of them: no reading of it can differ.
 */
public final class ResourceMetadata {
    static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final String[] paths;
    private final Refusal document;

    /**
     * @param resource             this server's resource identifier, an absolute http(s) URL
     * @param authorizationServers issuer URLs
     * @param scopesSupported      may be empty: then the member is left out
     */
    public ResourceMetadata(String resource, List<String> authorizationServers, List<String> scopesSupported) {
        String path = pathOf(URI.create(resource));
        this.paths = path.isEmpty() ? new String[] {WELL_KNOWN} : new String[] {WELL_KNOWN, WELL_KNOWN + path};
        StringBuilder json = new StringBuilder("{\"resource\":");
        string(json, resource);
        json.append(",\"authorization_servers\":");
        array(json, authorizationServers);
        if (!scopesSupported.isEmpty()) {
            json.append(",\"scopes_supported\":");
            array(json, scopesSupported);
        }
        json.append(",\"bearer_methods_supported\":[\"header\"]}");
        this.document = Refusal.document(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Where a client finds the document of {@code resource}: its origin, the well-known path, its
     * path (RFC 9728 §3.1). Static, and touching no other class of the core: the knobs are
     * validated in premain, by the application's class loader, and a class of the core it loaded
     * there would clash with the bootstrap copy the adapters link against.
     */
    public static String urlOf(String resource) {
        URI uri = URI.create(resource);
        return uri.getScheme() + "://" + uri.getRawAuthority() + WELL_KNOWN + pathOf(uri);
    }

    private static String pathOf(URI resource) {
        String path = resource.getRawPath();
        return path == null || path.equals("/") ? "" : path;
    }

    /** The paths it is answered at. */
    public List<String> paths() {
        return List.of(paths);
    }

    /** Whether the agent answers this request itself. */
    boolean serves(String method, String rawPath) {
        if (!"GET".equals(method) && !"HEAD".equals(method) || rawPath == null) {
            return false;
        }
        int end = dev.mcpguard.net.PathNormalizer.endOfPath(rawPath);
        for (String path : paths) {
            if (end == path.length() && rawPath.startsWith(path)) {
                return true;
            }
        }
        return false;
    }

    /** The 200 answer, written as adapters write a refusal. */
    Refusal document() {
        return document;
    }

    private static void array(StringBuilder json, List<String> values) {
        json.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            string(json, values.get(i));
        }
        json.append(']');
    }

    /** The values are validated URLs and scope tokens; escaping keeps the document JSON whatever they hold. */
    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
