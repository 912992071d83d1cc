package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end, as an MCP client with no prior knowledge of the server does it (MCP authorization, 2025-06-18): its
 * first {@code initialize} is refused 401; it follows {@code resource_metadata} from the challenge to the RFC 9728
 * document the agent serves, takes {@code authorization_servers[0]}, reads that server's RFC 8414 metadata, asks its
 * {@code token_endpoint} for a client_credentials token for the document's {@code resource}, and the MCP SDK's own
 * Java client then initializes, lists the tools and calls {@code echo} with it. The agent validates the token against
 * the keys it fetched from the same authorization server ({@link AuthServer}).
 *
 * <p>On the stacks that serve the SDK's transport (jetty, tomcat). The resource is the demo's real address, so the
 * demo listens on a port chosen before it starts. The discovery is written to
 * {@code integration-tests/target/oauth-transcript.txt} (status lines, the challenge, both documents; never a token),
 * which the README quotes.
 */
class McpOAuthClientIT {

    private static final String SCOPES = "mcp:read mcp:tools";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern RESOURCE_METADATA = Pattern.compile("resource_metadata=\"([^\"]+)\"");
    private static final Path TRANSCRIPT = Path.of("target", "oauth-transcript.txt");

    private static AuthServer as;

    @RegisterExtension
    static final DemoServers SERVERS = DemoServers.perStack(stack -> {
        int port = freePort();
        return Launch.standard().without("MCPGUARD_TOKEN").withOption("--port=" + port)
                .with("MCPGUARD_JWT_ISSUER", as.issuer())
                .with("MCPGUARD_RESOURCE", "http://127.0.0.1:" + port + "/mcp")
                .with("MCPGUARD_AUTHORIZATION_SERVERS", as.issuer())
                .with("MCPGUARD_SCOPES_SUPPORTED", "mcp:read,mcp:tools")
                .with("MCPGUARD_REQUIRED_SCOPES", "mcp:tools");
    });

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    private final StringBuilder transcript = new StringBuilder();

    @BeforeAll
    static void start() throws IOException {
        as = AuthServer.start();
        Files.deleteIfExists(TRANSCRIPT);
    }

    @AfterAll
    static void stop() {
        if (as != null) {
            as.close();
        }
    }

    static Stream<Stack> sdkStacks() {
        return Stacks.all().filter(Stack::sdkTransport);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdkStacks")
    void aClientWithNoPriorKnowledgeDiscoversTheAuthorizationServerGetsATokenAndCallsATool(Stack stack) throws Exception {
        DemoServer server = SERVERS.on(stack);
        server.awaitStderrLine("INFO mcpguard - JWT signing keys from");
        String endpoint = "http://127.0.0.1:" + server.port() + "/mcp";
        transcript.append("# ").append(stack).append(": an MCP client with no prior knowledge of ").append(endpoint).append("\n\n");

        String initialize = new String(RawMcp.json(RawMcp.initialize(1)), StandardCharsets.UTF_8);
        HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(initialize)), "initialize without a token", initialize);
        assertThat(refused.statusCode()).isEqualTo(401);
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElseThrow();
        Matcher pointer = RESOURCE_METADATA.matcher(challenge);
        assertThat(pointer.find()).as("resource_metadata in %s", challenge).isTrue();
        String metadataUrl = pointer.group(1);
        assertThat(metadataUrl).isEqualTo("http://127.0.0.1:" + server.port() + "/.well-known/oauth-protected-resource/mcp");

        Map<String, Object> resourceMetadata = json(get(metadataUrl, "the protected-resource metadata (RFC 9728)"));
        assertThat(resourceMetadata).containsEntry("resource", endpoint);
        String issuer = (String) ((List<?>) resourceMetadata.get("authorization_servers")).get(0);
        assertThat(issuer).isEqualTo(as.issuer());

        Map<String, Object> asMetadata = json(get(wellKnown(issuer), "the authorization server's metadata (RFC 8414)"));
        assertThat(asMetadata).containsEntry("issuer", issuer);
        String tokenEndpoint = (String) asMetadata.get("token_endpoint");

        String token = token(tokenEndpoint, (String) resourceMetadata.get("resource"));

        try (McpSyncClient client = McpClients.connect(server, token)) {
            McpSchema.InitializeResult initialized = client.initialize();
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(tools).contains("echo");
            McpSchema.CallToolResult result = client.callTool(
                    McpSchema.CallToolRequest.builder("echo").arguments(Map.of("text", "hello, oauth")).build());
            assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(result.content()).singleElement().isInstanceOfSatisfying(McpSchema.TextContent.class,
                    text -> assertThat(text.text()).isEqualTo("hello, oauth"));
            transcript.append("## the MCP SDK's Java client, with Authorization: Bearer <the token>\n")
                    .append("initialize: ").append(initialized.serverInfo().name()).append(", protocol ")
                    .append(initialized.protocolVersion()).append('\n')
                    .append("tools/list: ").append(tools).append('\n')
                    .append("tools/call echo {\"text\":\"hello, oauth\"}: ")
                    .append(((McpSchema.TextContent) result.content().get(0)).text()).append("\n\n");
        }
        write();
    }

    /** RFC 8414 §3.1: the well-known path inserted between the issuer's origin and its path. */
    private static String wellKnown(String issuer) {
        URI uri = URI.create(issuer);
        String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getRawAuthority() + "/.well-known/oauth-authorization-server" + path;
    }

    private String get(String url, String what) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).GET(), what, null);
        assertThat(response.statusCode()).as("GET %s", url).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return response.body();
    }

    /** client_credentials at the token endpoint (client_secret_basic), for {@code resource} (RFC 8707). */
    private String token(String tokenEndpoint, String resource) {
        String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(SCOPES, StandardCharsets.UTF_8)
                + "&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8);
        String credentials = Base64.getEncoder().encodeToString((AuthServer.CLIENT + ":" + AuthServer.SECRET)
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(tokenEndpoint))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), "the token request (client_credentials)", form);
        assertThat(response.statusCode()).as("token response %s", response.body()).isEqualTo(200);
        Map<String, Object> answer = json(response.body());
        assertThat(answer).containsEntry("token_type", "Bearer");
        return (String) answer.get("access_token");
    }

    /**
     * One exchange, and its transcript: the request line, its headers and {@code body} (null: none), the status, the
     * headers a client reads, the body.
     */
    private HttpResponse<String> send(HttpRequest.Builder builder, String what, String body) {
        HttpRequest request = builder.timeout(TIMEOUT).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        transcript.append("## ").append(what).append('\n')
                .append("> ").append(request.method()).append(' ').append(request.uri()).append('\n');
        request.headers().map().forEach((name, values) -> values.forEach(value -> transcript.append("> ").append(name)
                .append(": ").append(name.equalsIgnoreCase("Authorization") ? "Basic <client credentials>" : value).append('\n')));
        if (body != null) {
            transcript.append("> ").append(body).append('\n');
        }
        transcript.append("< ").append(response.statusCode()).append('\n');
        for (String name : List.of("Content-Type", "WWW-Authenticate", "Cache-Control")) {
            response.headers().allValues(name).forEach(value -> transcript.append("< ").append(name).append(": ")
                    .append(value).append('\n'));
        }
        transcript.append("< ").append(response.body().replaceAll("\"access_token\":\"[^\"]+\"", "\"access_token\":\"<the token>\""))
                .append("\n\n");
        return response;
    }

    private void write() throws IOException {
        Files.createDirectories(TRANSCRIPT.getParent());
        Files.writeString(TRANSCRIPT, transcript, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Map<String, Object> json(String text) {
        return Expect.json(text);
    }

    /** A port free now, for a demo that must know its address before it starts: taken again at once. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
