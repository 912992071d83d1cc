package dev.mcpguard.oauth;

import dev.mcpguard.egress.OwnConnections;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * GETs a small JSON document for the key refresher: HttpURLConnection, which the JDK initializes
 * only when the refresher first uses it (java.net.http would start its own executor and selector
 * threads). Bounded in time and size, and never sent to another origin by a redirect.
 */
final class HttpFetch {
    static final int TIMEOUT_MILLIS = 5000;
    static final int MAX_BYTES = 1 << 20;
    private static final int MAX_REDIRECTS = 3;

    private HttpFetch() {
    }

    /** @throws IOException with a one-line reason, without the URL: unreachable, not 200, too large, redirected elsewhere */
    static String get(String url) throws IOException {
        OwnConnections.begin(); // the operator's key source, never the EGRESS gate's to refuse
        try {
            return follow(URI.create(url).toURL());
        } finally {
            OwnConnections.end();
        }
    }

    private static String follow(URL start) throws IOException {
        URL target = start;
        for (int redirects = 0; ; redirects++) {
            HttpURLConnection connection = (HttpURLConnection) target.openConnection();
            try {
                connection.setInstanceFollowRedirects(false);
                connection.setConnectTimeout(TIMEOUT_MILLIS);
                connection.setReadTimeout(TIMEOUT_MILLIS);
                connection.setUseCaches(false);
                connection.setRequestProperty("Accept", "application/json");
                int status = connection.getResponseCode();
                if (status >= 300 && status < 400 && status != 304) {
                    String location = connection.getHeaderField("Location");
                    URL next = location == null ? null : new URL(target, location);
                    if (next == null || !sameOrigin(target, next)) {
                        throw new IOException("HTTP " + status + ": a redirect to another origin");
                    }
                    if (redirects == MAX_REDIRECTS) {
                        throw new IOException("more than " + MAX_REDIRECTS + " redirects");
                    }
                    target = next;
                    continue;
                }
                if (status != HttpURLConnection.HTTP_OK) {
                    throw new IOException("HTTP " + status + (redirects == 0 ? "" : " from " + target));
                }
                try (InputStream in = connection.getInputStream()) {
                    return new String(readAtMost(in), StandardCharsets.UTF_8);
                }
            } finally {
                connection.disconnect();
            }
        }
    }

    private static byte[] readAtMost(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (body.size() + n > MAX_BYTES) {
                throw new IOException("a response larger than 1 MiB");
            }
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    private static boolean sameOrigin(URL a, URL b) {
        return a.getProtocol().equalsIgnoreCase(b.getProtocol())
                && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
                && (a.getPort() < 0 ? a.getDefaultPort() : a.getPort()) == (b.getPort() < 0 ? b.getDefaultPort() : b.getPort());
    }
}
