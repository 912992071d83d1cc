package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.mcpguard.it.Stacks.Stack;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The assertions the contract makes about refusals (§5) and decision lines (§7). */
final class Expect {

    static final String DEFAULT_REALM = "mcp";

    /** The TCP peer of every test request. */
    static final String CLIENT = "127.0.0.1";

    private static final TypeRef<Map<String, Object>> OBJECT = new TypeRef<>() {};

    private Expect() {}

    /** An enforcing gate refused: the §5 response, and one {@code blocked} line (and no other). */
    static void blocked(Exchange ex, Refusal refusal, String method, String path) {
        refusal(ex.response(), refusal);
        onlyLine(ex.decisions(), "blocked", refusal, method, path, ex.stack());
    }

    /** The request reached the application, which answered {@code status}, and no gate logged anything. */
    static void passed(Exchange ex, int status) {
        assertThat(ex.response().status()).as("status of %s", ex.response()).isEqualTo(status);
        assertThat(ex.decisions()).as("decision lines").isEmpty();
    }

    /**
     * {@link #blocked}, unless the stack refuses {@code input} itself before the agent's hook (its profile says
     * so, see {@link Stack#ownRefusals()}): then {@link #refusedByTheStackItself}.
     */
    static void blockedUnlessTheStackRefusesItself(Exchange ex, String input, Refusal refusal, String method, String path) {
        var own = ex.stack().refusesItself(input);
        if (own.isPresent()) {
            refusedByTheStackItself(ex, own.getAsInt());
        } else {
            blocked(ex, refusal, method, path);
        }
    }

    /**
     * Refused by the server stack itself, with its own error page, in code that runs before the agent's hook: the
     * application never saw the request, but neither did the agent, so there is no decision line. Used only
     * where the stack's profile says this happens, and why.
     */
    static void refusedByTheStackItself(Exchange ex, int status) {
        assertThat(ex.response().status()).as("status of %s", ex.response()).isEqualTo(status);
        assertThat(ex.response().text()).as("not the agent's refusal").doesNotContain("\"jsonrpc\"");
        assertThat(ex.decisions()).as("decision lines").isEmpty();
    }

    /** The §5 refusal response; a 401 carries the default challenge. */
    static void refusal(RawResponse response, Refusal refusal) {
        refusal(response, refusal, refusal.status == 401 ? refusal.challenge(DEFAULT_REALM, null) : null);
    }

    /** The §5 refusal response with the given {@code WWW-Authenticate} (null: none expected). */
    static void refusal(RawResponse response, Refusal refusal, String challenge) {
        assertThat(response.status()).as("status of %s", response).isEqualTo(refusal.status);
        // the media type is the contract; a charset parameter a server appends does not change it
        assertThat(response.header("Content-Type")).as("Content-Type")
                .isNotNull()
                .satisfies(type -> assertThat(type.split(";")[0].strip()).isEqualToIgnoringCase("application/json"));
        assertThat(response.header("Cache-Control")).as("Cache-Control").isEqualTo("no-store");
        assertThat(response.header("WWW-Authenticate")).as("WWW-Authenticate").isEqualTo(challenge);

        String body = response.text();
        assertThat(body.strip()).as("the refusal body is one line").doesNotContain("\n", "\r");
        Map<String, Object> json = json(body);
        assertThat(json).as("refusal body %s", body).containsEntry("jsonrpc", "2.0").containsEntry("id", null);
        Map<String, Object> error = member(json, "error");
        assertThat(error).as("error of %s", body).containsEntry("code", refusal.code()).containsEntry("message", refusal.message());
        assertThat(member(error, "data")).as("error.data of %s", body)
                .containsOnly(entry("gate", refusal.gate), entry("error", refusal.reason));
    }

    /** A member that must be a JSON object. */
    @SuppressWarnings("unchecked") // a JSON object always parses to a string-keyed map
    private static Map<String, Object> member(Map<String, Object> object, String name) {
        assertThat(object.get(name)).as("%s of %s", name, object).isInstanceOf(Map.class);
        return (Map<String, Object>) object.get(name);
    }

    /** Exactly one decision line, for {@code refusal}, with {@code action}. */
    static void onlyLine(List<Decision> decisions, String action, Refusal refusal, String method, String path, Stack stack) {
        assertThat(decisions).as("decision lines").hasSize(1);
        line(decisions.get(0), action, refusal, method, path, stack);
    }

    /**
     * A body refused 413 with the connection closed (its rest is never read), and its one {@code blocked} line.
     */
    static void tooLargeAndClosed(DemoServer server, byte[] request, String path) {
        int mark = server.mark();
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(request);
            RawResponse response = http.readResponse();

            refusal(response, Refusal.BODY_TOO_LARGE);
            assertThat(response.header("Connection")).as("Connection").isEqualToIgnoringCase("close");
            assertThat(http.closedByServer()).as("the server closed the connection").isTrue();
        }
        onlyLine(server.decisionsSince(mark), "blocked", Refusal.BODY_TOO_LARGE, "POST", path, server.stack());
    }

    /** Exactly these would-be refusals, in gate order, all logged {@code would_block}. */
    static void wouldBlock(Exchange ex, String method, String path, Refusal... refusals) {
        assertThat(ex.decisions()).as("decision lines").hasSize(refusals.length);
        for (int i = 0; i < refusals.length; i++) {
            line(ex.decisions().get(i), "would_block", refusals[i], method, path, ex.stack());
        }
    }

    /** One decision line with the §7 fields of a refusal; {@code mcpguard.stack} is the agent's name of the stack's family. */
    static void line(Decision d, String action, Refusal refusal, String method, String path, Stack stack) {
        line(d, action, refusal, method, path, CLIENT, stack);
    }

    /** {@link #line}, from a peer other than this suite's loopback client (a network namespace's). */
    static void line(Decision d, String action, Refusal refusal, String method, String path, String client, Stack stack) {
        assertThat(d.action()).as("event.action of %s", d).isEqualTo(action);
        assertThat(d.gate()).as("mcpguard.gate of %s", d).isEqualTo(refusal.gate);
        assertThat(d.reason()).as("mcpguard.reason of %s", d).isEqualTo(refusal.reason);
        assertThat(d.status()).as("http.response.status_code of %s", d).isEqualTo(refusal.status);
        assertThat(d.method()).as("http.request.method of %s", d).isEqualTo(method);
        assertThat(d.path()).as("url.path of %s", d).isEqualTo(path);
        assertThat(d.client()).as("client.address of %s", d).isEqualTo(client);
        assertThat(d.stack()).as("mcpguard.stack of %s", d).isEqualTo(stack.family());
        assertThat(Instant.parse(d.timestamp())).as("@timestamp of %s", d).isNotNull();
    }

    static Map<String, Object> json(String text) {
        try {
            return McpJsonDefaults.getMapper().readValue(text, OBJECT);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON object: " + text, e);
        }
    }
}
