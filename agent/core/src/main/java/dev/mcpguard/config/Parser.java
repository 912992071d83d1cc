package dev.mcpguard.config;

import dev.mcpguard.core.GateMode;
import dev.mcpguard.egress.AddressRange;
import dev.mcpguard.egress.AllowEntry;
import dev.mcpguard.net.Ascii;
import dev.mcpguard.net.BearerCredentials;
import dev.mcpguard.net.HostAllowList;
import dev.mcpguard.net.OriginAllowList;
import dev.mcpguard.net.PathPrefixes;
import dev.mcpguard.net.PeerAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Turns a knob's text into its value, strictly: what a parser accepts is exactly what the agent
 * can start with, since {@code check} and the agent share it. Plain classes rather than lambdas:
 * the agent validates every knob in {@code premain}, where each lambda costs start-up time.
 *
 * @param <T> the value
 */
abstract class Parser<T> {
    private final String expected;

    Parser(String expected) {
        this.expected = expected;
    }

    /**
     * @return the value, or {@code null} when the text is invalid; an exception thrown here
     *         counts as invalid too
     */
    abstract T parse(String value);

    /** What is allowed, for the error line about {@code value}. */
    String expected(String value) {
        return expected;
    }

    /** Comma-separated, each entry trimmed; empty for an empty value; an empty entry is an error. */
    static List<String> list(String value) {
        if (value.trim().isEmpty()) {
            return List.of();
        }
        List<String> entries = new ArrayList<>();
        for (String entry : value.split(",", -1)) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("empty entry");
            }
            entries.add(trimmed);
        }
        return entries;
    }

    /** {@link #list}, or {@code null} when it is empty. */
    static List<String> nonEmptyList(String value) {
        List<String> entries = list(value);
        return entries.isEmpty() ? null : entries;
    }

    static final class Mode extends Parser<GateMode> {
        Mode() {
            super("enforce, log-only or off");
        }

        @Override
        GateMode parse(String value) {
            return GateMode.fromKnobValue(value);
        }
    }

    /** Flags: 1/true/yes/on, or 0/false/no/off/empty, any case. */
    static final class Flag extends Parser<Boolean> {
        Flag() {
            super("a flag: 1, true, yes, on or 0, false, no, off, empty");
        }

        @Override
        Boolean parse(String value) {
            switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "1":
                case "true":
                case "yes":
                case "on":
                    return Boolean.TRUE;
                case "":
                case "0":
                case "false":
                case "no":
                case "off":
                    return Boolean.FALSE;
                default:
                    return null;
            }
        }
    }

    /** One of two words, any case: {@code true} for the first. */
    static final class Choice extends Parser<Boolean> {
        private final String first;
        private final String second;

        Choice(String first, String second) {
            super(first + " or " + second);
            this.first = first;
            this.second = second;
        }

        @Override
        Boolean parse(String value) {
            String v = value.trim();
            if (v.equalsIgnoreCase(first)) {
                return Boolean.TRUE;
            }
            return v.equalsIgnoreCase(second) ? Boolean.FALSE : null;
        }
    }

    /** One of a few words, any case: the word, in lower case. */
    static final class Words extends Parser<String> {
        private final List<String> words;

        Words(String... words) {
            super(String.join(", ", Arrays.asList(words).subList(0, words.length - 1)) + " or " + words[words.length - 1]);
            this.words = List.of(words);
        }

        @Override
        String parse(String value) {
            String word = value.trim().toLowerCase(Locale.ROOT);
            return words.contains(word) ? word : null;
        }
    }

    /** {@code <n>/s}, {@code <n>/min} or {@code <n>/h}. */
    static final class RateLimit extends Parser<dev.mcpguard.core.Rate> {
        RateLimit() {
            super("<n>/s, <n>/min or <n>/h with n a positive integer below 1000000000 (100/min)");
        }

        @Override
        dev.mcpguard.core.Rate parse(String value) {
            return dev.mcpguard.core.Rate.parse(value.trim());
        }
    }

    /** A positive integer, at most {@code 999999999}. */
    static final class Count extends Parser<Long> {
        Count() {
            super("a positive integer below 1000000000");
        }

        @Override
        Long parse(String value) {
            String v = value.trim();
            if (v.isEmpty() || v.length() > 9) {
                return null;
            }
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                    return null;
                }
            }
            long count = Long.parseLong(v);
            return count > 0 ? count : null;
        }
    }

    /** {@code redis://} or {@code rediss://} (TLS): a host, an optional port, user and password, database number. */
    static final class RedisUrl extends Parser<URI> {
        RedisUrl() {
            super("redis://[user:password@]host[:port][/db] or rediss://… for TLS");
        }

        @Override
        URI parse(String value) {
            URI uri;
            try {
                uri = new URI(value.trim());
            } catch (URISyntaxException e) {
                return null;
            }
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("redis") || scheme.equalsIgnoreCase("rediss"))
                    || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return null;
            }
            String path = uri.getRawPath();
            if (path != null && !path.isEmpty() && !path.equals("/") && !path.substring(1).matches("[0-9]{1,5}")) {
                return null;
            }
            return uri;
        }
    }

    /**
     * Comma-separated bearer tokens. Their digests are taken when the tokens are used, not here:
     * the JVM's start validates this knob, and the first digest initializes the security
     * providers, most of what the agent would cost a JVM that runs no server.
     */
    static final class Tokens extends Parser<List<String>> {
        Tokens() {
            super("one or more bearer tokens (RFC 6750 b64token), comma-separated");
        }

        @Override
        List<String> parse(String value) {
            List<String> tokens = nonEmptyList(value);
            if (tokens == null) {
                return null;
            }
            for (String token : tokens) {
                if (!BearerCredentials.isToken(token, 0, token.length())) {
                    return null;
                }
            }
            return Collections.unmodifiableList(tokens);
        }
    }

    /**
     * A token file's entries (design §9), digests as for {@link Tokens}. No token line is a valid
     * file that accepts no token; a missing or unreadable file is invalid at start.
     */
    static final class TokenFileEntries extends Parser<List<TokenFile.Entry>> {
        TokenFileEntries() {
            super("a readable UTF-8 file of token lines <token> [name=<label>] [expires=<date or instant>] "
                    + "[scopes=<s1>,<s2>] [rate=<n>/<s|min|h>], blank and # lines ignored");
        }

        @Override
        List<TokenFile.Entry> parse(String file) {
            try {
                return TokenFile.read(Path.of(file));
            } catch (IOException e) {
                return null;
            } catch (TokenFile.Malformed e) {
                throw new Invalid(e.getMessage());
            }
        }
    }

    /** A value invalid for a reason the parser can name without quoting it: the error line adds the reason. */
    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    static final class Sha256Digests extends Parser<List<byte[]>> {
        Sha256Digests() {
            super("comma-separated hex SHA-256 digests (64 hex digits each)");
        }

        @Override
        List<byte[]> parse(String value) {
            List<String> entries = nonEmptyList(value);
            if (entries == null) {
                return null;
            }
            List<byte[]> digests = new ArrayList<>(entries.size());
            for (String hex : entries) {
                byte[] digest = hex(hex);
                if (digest == null) {
                    return null;
                }
                digests.add(digest);
            }
            return Collections.unmodifiableList(digests);
        }

        private static byte[] hex(String text) {
            if (text.length() != 64) {
                return null;
            }
            byte[] bytes = new byte[32];
            for (int i = 0; i < 32; i++) {
                int high = Ascii.hexDigit(text.charAt(2 * i));
                int low = Ascii.hexDigit(text.charAt(2 * i + 1));
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes[i] = (byte) (high << 4 | low);
            }
            return bytes;
        }
    }

    /** A quoted-string's content in {@code WWW-Authenticate}: nothing to escape, nothing to break the header. */
    static final class Realm extends Parser<String> {
        Realm() {
            super("printable ASCII without quotes or backslashes");
        }

        @Override
        String parse(String value) {
            return !value.isEmpty() && quotable(value, 0x20) ? value : null;
        }
    }

    static final class MetadataUrl extends Parser<String> {
        MetadataUrl() {
            super("an absolute http or https URL");
        }

        @Override
        String parse(String value) {
            if (!quotable(value, 0x21)) {
                return null;
            }
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                return null;
            }
            String scheme = uri.getScheme();
            boolean valid = uri.isAbsolute() && uri.getHost() != null
                    && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme));
            return valid ? value : null;
        }
    }

    /**
     * Whether the text, as {@code check} and the banner print it, stays on its line: no C0 or C1
     * control (a C1 CSI drives terminals too), no Unicode line or paragraph separator.
     */
    static boolean isOneLine(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029) {
                return false;
            }
        }
        return true;
    }

    /** ASCII from {@code lowest} to {@code ~}, without {@code "} or {@code \}. */
    static boolean quotable(String value, int lowest) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < lowest || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /**
     * This server's resource identifier (RFC 8707, RFC 9728): the absolute http(s) URL clients
     * use, without fragment or query, which also names where its metadata is served.
     */
    static final class ResourceUrl extends Parser<String> {
        ResourceUrl() {
            super("an absolute http or https URL without query or fragment, as clients use it "
                    + "(https://mcp.example.com/mcp)");
        }

        @Override
        String parse(String value) {
            URI uri = httpUri(value);
            return uri != null && uri.getRawQuery() == null ? value : null;
        }
    }

    /**
     * URLs the agent itself fetches from or names as authorities: https, or http to a loopback
     * host only, where no network can read or change what is fetched.
     */
    static final class SecureUrls extends Parser<List<String>> {
        SecureUrls() {
            super("comma-separated https URLs without query or fragment (http only to 127.0.0.1, [::1] or localhost)");
        }

        @Override
        List<String> parse(String value) {
            List<String> urls = nonEmptyList(value);
            if (urls == null) {
                return null;
            }
            for (String url : urls) {
                if (secureUrl(url) == null) {
                    return null;
                }
            }
            return Collections.unmodifiableList(urls);
        }
    }

    /** One URL of {@link SecureUrls}. */
    static final class SecureUrl extends Parser<String> {
        private final boolean query;

        /** @param query whether a query is allowed: never in an issuer (RFC 8414 §2), fine in a JWKS URL */
        SecureUrl(boolean query) {
            super(query ? "an https URL without fragment (http only to 127.0.0.1, [::1] or localhost)"
                    : "an https URL without query or fragment (http only to 127.0.0.1, [::1] or localhost)");
            this.query = query;
        }

        @Override
        String parse(String value) {
            return secureUrl(value, query);
        }
    }

    static String secureUrl(String value) {
        return secureUrl(value, false);
    }

    static String secureUrl(String value, boolean query) {
        URI uri = httpUri(value);
        if (uri == null || !query && uri.getRawQuery() != null) {
            return null;
        }
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            return value;
        }
        String host = uri.getHost();
        return "127.0.0.1".equals(host) || "[::1]".equals(host) || "localhost".equalsIgnoreCase(host) ? value : null;
    }

    /** An absolute http(s) URL with a host and no fragment, or {@code null}. */
    private static URI httpUri(String value) {
        if (!quotable(value, 0x21)) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme();
        boolean valid = uri.isAbsolute() && uri.getHost() != null && uri.getRawFragment() == null
                && uri.getRawUserInfo() == null
                && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme));
        return valid ? uri : null;
    }

    /** OAuth scope names (RFC 6749 §3.3 scope-tokens), comma-separated. */
    static final class Scopes extends Parser<List<String>> {
        Scopes() {
            super("comma-separated OAuth scope names (printable ASCII, no space, '\"' or '\\')");
        }

        @Override
        List<String> parse(String value) {
            List<String> scopes = nonEmptyList(value);
            if (scopes == null) {
                return null;
            }
            for (String scope : scopes) {
                if (!isScope(scope)) {
                    return null;
                }
            }
            return Collections.unmodifiableList(scopes);
        }
    }

    /**
     * {@code <tool>=<scope> <scope>;<tool>=…;*=<scope>}: the scopes each tool needs, {@code *} for
     * every tool not named. A tool name is printable ASCII without {@code =} or {@code ;} (MCP names
     * are letters, digits, {@code _ - .}); no tool twice; a tool with no scopes after {@code =} needs none.
     */
    static final class ToolScopes extends Parser<java.util.Map<String, List<String>>> {
        ToolScopes() {
            super("<tool>=<scope> <scope>;<tool>=…;*=<scope> (each tool once; scopes space-separated, printable "
                    + "ASCII without '\"' or '\\'; a tool with none after '=' needs none)");
        }

        @Override
        java.util.Map<String, List<String>> parse(String value) {
            java.util.Map<String, List<String>> byTool = new java.util.LinkedHashMap<>();
            for (String entry : value.split(";", -1)) {
                int eq = entry.indexOf('=');
                if (eq < 0) {
                    return null;
                }
                String tool = entry.substring(0, eq).trim();
                if (!isToolName(tool) || byTool.containsKey(tool)) {
                    return null;
                }
                List<String> scopes = new ArrayList<>();
                for (String scope : entry.substring(eq + 1).trim().split(" +", -1)) {
                    if (scope.isEmpty()) {
                        continue;
                    }
                    if (!isScope(scope)) {
                        return null;
                    }
                    scopes.add(scope);
                }
                byTool.put(tool, List.copyOf(scopes));
            }
            return Collections.unmodifiableMap(byTool);
        }

        private static boolean isToolName(String tool) {
            if (tool.isEmpty() || tool.length() > 128) {
                return false;
            }
            for (int i = 0; i < tool.length(); i++) {
                char c = tool.charAt(i);
                if (c < 0x21 || c > 0x7e || c == '=' || c == ';') {
                    return false;
                }
            }
            return true;
        }
    }

    static boolean isScope(String scope) {
        if (scope.isEmpty()) {
            return false;
        }
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    static final class Prefixes extends Parser<PathPrefixes> {
        private final boolean ignoreCase;

        Prefixes(boolean ignoreCase) {
            super("comma-separated path prefixes, each starting with / (empty for none)");
            this.ignoreCase = ignoreCase;
        }

        @Override
        PathPrefixes parse(String value) {
            PathPrefixes prefixes = PathPrefixes.of(list(value), ignoreCase);
            return isOneLine(prefixes.toString()) ? prefixes : null;
        }
    }

    static final class Origins extends Parser<OriginAllowList> {
        Origins() {
            super("comma-separated origins scheme://host[:port], or *");
        }

        @Override
        OriginAllowList parse(String value) {
            OriginAllowList origins = value.trim().equals("*") ? OriginAllowList.any() : OriginAllowList.of(list(value));
            return isOneLine(origins.toString()) ? origins : null;
        }
    }

    static final class Hosts extends Parser<HostAllowList> {
        Hosts() {
            super("comma-separated host names or IP literals, port optional, or *");
        }

        @Override
        HostAllowList parse(String value) {
            HostAllowList hosts = value.trim().equals("*") ? HostAllowList.any() : HostAllowList.of(list(value));
            return isOneLine(hosts.toString()) ? hosts : null;
        }
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal (brackets and zone allowed), in its canonical form:
     * IPv6 in brackets. A zone must name an interface of this host, as the JVM requires when it
     * makes the address: the agent can always make the address the BIND gate narrows binds to.
     */
    static final class IpLiteral extends Parser<String> {
        IpLiteral() {
            super("an IPv4 or IPv6 address literal, such as 127.0.0.1, ::1 or 0.0.0.0");
        }

        @Override
        String parse(String value) {
            String text = value.trim();
            if (text.indexOf(':') < 0) {
                // Neither the IP library nor InetAddress, whose class initialization alone costs
                // milliseconds: the default is validated in premain of every JVM.
                return PeerAddresses.isDottedQuad(text) ? canonicalDottedQuad(text) : null;
            }
            String canonical = PeerAddresses.canonicalLiteral(text);
            if (canonical == null) {
                return null;
            }
            if (canonical.indexOf('%') >= 0) {
                try {
                    InetAddress.getByName(canonical); // bracketed: never a name lookup
                } catch (UnknownHostException e) {
                    return null; // a zone naming no interface here
                }
            }
            return canonical;
        }

        /** Without leading zeros. */
        private static String canonicalDottedQuad(String dottedQuad) {
            StringBuilder canonical = new StringBuilder(15);
            for (String octet : dottedQuad.split("\\.")) {
                canonical.append(canonical.length() == 0 ? "" : ".").append(Integer.parseInt(octet));
            }
            return canonical.toString();
        }
    }

    /** Sorted ports. */
    static final class Ports extends Parser<int[]> {
        Ports() {
            super("comma-separated ports 1-65535");
        }

        @Override
        int[] parse(String value) {
            List<String> entries = nonEmptyList(value);
            if (entries == null) {
                return null;
            }
            int[] ports = new int[entries.size()];
            for (int i = 0; i < ports.length; i++) {
                String port = entries.get(i);
                // ASCII digits only: Integer.parseInt also takes a sign and other scripts' digits.
                if (port.length() > 5 || !asciiDigits(port)) {
                    return null;
                }
                ports[i] = Integer.parseInt(port);
                if (ports[i] < 1 || ports[i] > 65535) {
                    return null;
                }
            }
            Arrays.sort(ports);
            return ports;
        }

        private static boolean asciiDigits(String text) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code MCPGUARD_EGRESS_DENY}: {@code private} and address blocks, canonical, duplicates dropped. */
    static final class EgressDeny extends Parser<List<String>> {
        EgressDeny() {
            super("comma-separated `private`, `self` and IPv4/IPv6 addresses or CIDR blocks (10.0.0.0/8, fd00::/8)");
        }

        @Override
        List<String> parse(String value) {
            List<String> entries = nonEmptyList(value);
            if (entries == null) {
                throw new Invalid("empty: the EGRESS gate would refuse nothing; set MCPGUARD_EGRESS_MODE=off instead");
            }
            LinkedHashSet<String> canonical = new LinkedHashSet<>();
            for (String entry : entries) {
                if (entry.equalsIgnoreCase("private") || entry.equalsIgnoreCase("self")) {
                    canonical.add(entry.toLowerCase(Locale.ROOT));
                    continue;
                }
                AddressRange range = AddressRange.parse(entry);
                if (range == null) {
                    throw new Invalid("not an address or block: " + ConfigException.printable(entry));
                }
                rejectIpv4InIpv6(range);
                canonical.add(range.toString());
            }
            return List.copyOf(canonical);
        }
    }

    /** IPv4 inside IPv6 is judged as IPv4: such a block, as written, would match nothing. */
    private static void rejectIpv4InIpv6(AddressRange range) {
        if (range.carriesIpv4()) {
            throw new Invalid(range + " holds IPv4 addresses in IPv6 form, which are judged as IPv4: write the IPv4 "
                    + "address or block");
        }
    }

    /** {@code MCPGUARD_EGRESS_ALLOW}: blocks on any port, {@code host:port}, {@code *:port}. */
    static final class EgressAllow extends Parser<List<AllowEntry>> {
        EgressAllow() {
            super("comma-separated IPv4/IPv6 addresses or CIDR blocks (any port), `host:port` (a DNS name or an "
                    + "address, IPv6 in brackets) or `*:port`");
        }

        @Override
        List<AllowEntry> parse(String value) {
            List<String> entries = nonEmptyList(value);
            if (entries == null) {
                return null;
            }
            List<AllowEntry> allow = new ArrayList<>();
            for (String entry : entries) {
                AllowEntry parsed = AllowEntry.parse(entry);
                if (parsed == null) {
                    throw new Invalid("not an allow entry: " + ConfigException.printable(entry));
                }
                if (parsed.range() != null) {
                    rejectIpv4InIpv6(parsed.range());
                }
                allow.add(parsed);
            }
            return List.copyOf(allow);
        }
    }

    /** Field names (RFC 9110 tokens), lower-cased: the gates compare them ignoring case. */
    static final class HeaderNames extends Parser<List<String>> {
        HeaderNames() {
            super("comma-separated header field names");
        }

        @Override
        List<String> parse(String value) {
            List<String> names = nonEmptyList(value);
            if (names == null) {
                return null;
            }
            List<String> lowerCase = new ArrayList<>(names.size());
            for (String name : names) {
                for (int i = 0; i < name.length(); i++) {
                    if (!Ascii.isTokenChar(name.charAt(i))) {
                        return null;
                    }
                }
                lowerCase.add(name.toLowerCase(Locale.ROOT));
            }
            return List.copyOf(lowerCase);
        }
    }

    /** {@code aud} values a JWT may name, comma-separated. */
    static final class Audiences extends Parser<List<String>> {
        Audiences() {
            super("comma-separated audience values (printable ASCII, no space, '\"' or '\\')");
        }

        @Override
        List<String> parse(String value) {
            List<String> audiences = nonEmptyList(value);
            if (audiences == null) {
                return null;
            }
            for (String audience : audiences) {
                if (!quotable(audience, 0x21)) {
                    return null;
                }
            }
            return Collections.unmodifiableList(audiences);
        }
    }

    /**
     * JWS algorithms with a public verification key, each one the JDK verifies. {@code none} and the
     * HMAC family never: with a public key set, an HS256 "signature" keyed with a public key's bytes
     * is one anybody can make.
     */
    static final class Algorithms extends Parser<List<String>> {
        static final List<String> KNOWN = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                "ES384", "ES512", "EdDSA", "Ed25519");
        private static final String ALLOWED = "comma-separated JWS algorithms among " + String.join(", ", KNOWN);

        Algorithms() {
            super(ALLOWED);
        }

        @Override
        List<String> parse(String value) {
            List<String> algorithms = nonEmptyList(value);
            if (algorithms == null) {
                return null;
            }
            for (String algorithm : algorithms) {
                if (!KNOWN.contains(algorithm)) {
                    return null;
                }
            }
            return List.copyOf(new java.util.LinkedHashSet<>(algorithms));
        }

        @Override
        String expected(String value) {
            for (String entry : value.split(",", -1)) {
                String algorithm = entry.trim();
                if (algorithm.equalsIgnoreCase("none")) {
                    return ALLOWED + " (none is never accepted: an unsigned token proves nothing)";
                }
                if (algorithm.regionMatches(true, 0, "HS", 0, 2)) {
                    return ALLOWED + " (" + algorithm.replaceAll("[^A-Za-z0-9]", "") + " is never accepted: a "
                            + "shared-secret algorithm checked with public keys lets anyone sign)";
                }
            }
            return ALLOWED;
        }
    }

    /**
     * A JWKS file: readable and a JWK set now, or the agent would start refusing every JWT. The keys
     * are read again by the refresher, which sees later changes.
     */
    static final class JwksFile extends Parser<Path> {
        JwksFile() {
            super("a readable JWK set file (RFC 7517 JSON)");
        }

        @Override
        Path parse(String value) {
            Path file = Path.of(value);
            try {
                dev.mcpguard.oauth.KeySet.parse(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException | java.text.ParseException e) {
                return null;
            }
            return file;
        }
    }
}
