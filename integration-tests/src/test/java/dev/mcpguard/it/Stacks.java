package dev.mcpguard.it;

import dev.mcpguard.it.RawHttp2.Protocol;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The server stacks every behaviour is proven on: one suite, run once per stack. The system property
 * {@code mcpguard.it.stacks} (comma-separated names, e.g. {@code -Dmcpguard.it.stacks=jetty,jdk}) narrows the
 * run to some of them; by default the suite runs on all of them.
 */
final class Stacks {

    /** Which demo jar serves a stack (design §8): javax servlet containers cannot share a class path with the rest. */
    enum Jar {
        /** {@code demo-app/target/demo-app.jar}, system property {@code mcpguard.demo.jar}. */
        DEMO("mcpguard.demo.jar"),
        /** {@code demo-app/javax/target/demo-app-javax.jar}, system property {@code mcpguard.demo.javax.jar}. */
        JAVAX("mcpguard.demo.javax.jar"),
        /**
         * {@code integration-tests/frameworks/target/framework-apps.jar}, system property {@code mcpguard.frameworks.jar}:
         * small apps on web frameworks (not demo stacks), for the differential test.
         */
        FRAMEWORKS("mcpguard.frameworks.jar");

        final String property;

        Jar(String property) {
            this.property = property;
        }
    }

    /**
     * What the suite needs to know about one stack.
     *
     * @param name             the demo's {@code --stack=} name, also the name tests are reported under
     * @param jar              the demo jar that serves it
     * @param family           the agent's name for the server family: {@code mcpguard.stack} in decision lines,
     *                         and the banner's {@code instrumented <family>: <class>} line
     * @param forwardedHeaders whether {@code --trust-forwarded} turns on a forwarded-header feature of the server
     *                         (it then reports the spoofed client address); where false the flag changes nothing
     * @param sdkTransport     whether {@code /mcp} is the MCP SDK's Streamable HTTP transport; otherwise it is the
     *                         demo's hand-written JSON-RPC endpoint (plain JSON answers, no SSE, no session)
     * @param stripsPathParameters whether the application is served {@code /health} for {@code /health;a=x}
     *                         (servlet containers and Undertow strip path parameters, the JDK matches contexts
     *                         by prefix; the Netty and Reactor demos route on the exact path and answer 404):
     *                         what a request that got through looks like, after every gate
     * @param ownRefusals      the malformed inputs the server refuses itself, with the status it answers, in code
     *                         that runs before the agent's hook: neither the application nor the agent sees them
     *                         (so no decision line). Keys are the inputs as the tests write them: a request target,
     *                         or a header line such as {@code Content-Length: abc}. Every entry was seen by running
     *                         the stack; the comment on each stack below says why it happens
     * @param blanksBackslashTargets Tomcat: its parser hands no URI at all over for a target with a raw
     *                         backslash; the agent refuses it and logs an empty path
     * @param dropsLengthBesideChunked Tomcat: a {@code Content-Length} sent with {@code Transfer-Encoding:
     *                         chunked} is dropped before the agent's hook (RFC 9112 §6.3) and the chunked body is
     *                         served, which the BODY gate counts like any streamed body
     * @param routesByTextPrefix the JDK: a handler registered for {@code /inspector} also serves
     *                         {@code /inspectorx}, so the agent, which asks the server which handler a request
     *                         goes to, counts that as under the loopback-only path, whose page it would get
     * @param http2            the ways the stack speaks HTTP/2 under the demo's {@code --http2} (h2c) and
     *                         {@code --tls} (h2 by ALPN) options; empty where it has no HTTP/2
     */
    record Stack(String name, Jar jar, String family, boolean forwardedHeaders, boolean sdkTransport,
            boolean stripsPathParameters, Map<String, Integer> ownRefusals, boolean blanksBackslashTargets,
            boolean dropsLengthBesideChunked, boolean routesByTextPrefix, Set<Protocol> http2) {

        Stack {
            ownRefusals = Map.copyOf(ownRefusals);
            http2 = Set.copyOf(http2);
        }

        /** A stack with none of the traits below; the {@code with…} methods add them. */
        static Stack of(String name, Jar jar, String family) {
            return new Stack(name, jar, family, false, false, false, Map.of(), false, false, false, Set.of());
        }

        /** The stack speaks HTTP/2 in each of these ways. */
        Stack speakingHttp2(Protocol... protocols) {
            return new Stack(name, jar, family, forwardedHeaders, sdkTransport, stripsPathParameters, ownRefusals,
                    blanksBackslashTargets, dropsLengthBesideChunked, routesByTextPrefix, Set.of(protocols));
        }

        Stack withForwardedHeaders() {
            return new Stack(name, jar, family, true, sdkTransport, stripsPathParameters, ownRefusals,
                    blanksBackslashTargets, dropsLengthBesideChunked, routesByTextPrefix, http2);
        }

        Stack withSdkTransport() {
            return new Stack(name, jar, family, forwardedHeaders, true, stripsPathParameters, ownRefusals,
                    blanksBackslashTargets, dropsLengthBesideChunked, routesByTextPrefix, http2);
        }

        Stack strippingPathParameters() {
            return new Stack(name, jar, family, forwardedHeaders, sdkTransport, true, ownRefusals,
                    blanksBackslashTargets, dropsLengthBesideChunked, routesByTextPrefix, http2);
        }

        /** The server answers {@code status} itself to each of {@code inputs}, before the agent's hook. */
        Stack refusingItself(int status, Collection<String> inputs) {
            Map<String, Integer> more = new HashMap<>(ownRefusals);
            for (String input : inputs) {
                if (more.put(input, status) != null) {
                    throw new IllegalStateException(name + " refuses " + input + " twice");
                }
            }
            return new Stack(name, jar, family, forwardedHeaders, sdkTransport, stripsPathParameters, more,
                    blanksBackslashTargets, dropsLengthBesideChunked, routesByTextPrefix, http2);
        }

        Stack blankingBackslashTargets() {
            return new Stack(name, jar, family, forwardedHeaders, sdkTransport, stripsPathParameters, ownRefusals,
                    true, dropsLengthBesideChunked, routesByTextPrefix, http2);
        }

        Stack routingByTextPrefix() {
            return new Stack(name, jar, family, forwardedHeaders, sdkTransport, stripsPathParameters, ownRefusals,
                    blanksBackslashTargets, dropsLengthBesideChunked, true, http2);
        }

        Stack droppingLengthBesideChunked() {
            return new Stack(name, jar, family, forwardedHeaders, sdkTransport, stripsPathParameters, ownRefusals,
                    blanksBackslashTargets, true, routesByTextPrefix, http2);
        }

        /**
         * The JDK server parses the target with {@code java.net.URI}, which reads {@code //inspector} as an
         * authority and an empty path: the agent judges that reading, an empty path, and refuses it {@code bad_path}.
         */
        boolean readsDoubleSlashAsAuthority() {
            return family.equals("jdk-httpserver");
        }

        /** The status the server itself answers {@code input} with, before the agent; empty when the agent sees it. */
        OptionalInt refusesItself(String input) {
            Integer status = ownRefusals.get(input);
            return status == null ? OptionalInt.empty() : OptionalInt.of(status);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    // The malformed inputs of the suite, as the tests write them (see Stack#ownRefusals).
    static final String CL_NOT_A_NUMBER = "Content-Length: abc";
    static final String CL_NEGATIVE = "Content-Length: -1";
    static final String CL_SIGNED = "Content-Length: +10";
    static final String CL_OVER_A_LONG = "Content-Length: 99999999999999999999";
    static final String CL_TWICE = "Content-Length: 10, Content-Length: 20";
    static final String CL_BESIDE_CHUNKED = "Content-Length: 10, Transfer-Encoding: chunked";
    private static final List<String> EVERY_BAD_LENGTH = List.of(
            CL_NOT_A_NUMBER, CL_NEGATIVE, CL_SIGNED, CL_OVER_A_LONG, CL_TWICE, CL_BESIDE_CHUNKED);

    private static final Protocol[] EVERY_HTTP2 = Protocol.values();

    /**
     * Jetty 12 checks URI compliance and parses the request head in its connector, before {@code Server.handle},
     * which is where the agent gates Jetty: it answers 400 itself to every unsafe target of {@code PathGateIT}
     * without a path parameter (encoded dot, slash or control character, {@code ..} above the root or behind a
     * parameter, a raw backslash, overlong UTF-8, a bad escape, an encoded CR LF), to {@code //inspector}
     * (ambiguous empty segment), and to every malformed {@code Content-Length}, one beside
     * {@code Transfer-Encoding} included.
     */
    static final Stack JETTY = Stack.of("jetty", Jar.DEMO, "jetty")
            .withForwardedHeaders().withSdkTransport().strippingPathParameters()
            .refusingItself(400, List.of("/%2e%2e/inspector", "/a%2fb", "/x%00", "/x%00?q=1", "/..;/..", "/a\\b",
                    "/%c0%ae", "/%zz", "/../../etc", "/x%0d%0aforged-line", "//inspector", "/inspector/..;/health"))
            .refusingItself(400, EVERY_BAD_LENGTH)
            .speakingHttp2(EVERY_HTTP2);

    /**
     * Tomcat 11 parses the request head before the agent's hook too, but hands nearly everything over: only a
     * raw backslash loses the URI, and a {@code Content-Length} beside chunked is dropped (see the traits).
     */
    static final Stack TOMCAT = Stack.of("tomcat", Jar.DEMO, "tomcat")
            .withForwardedHeaders().withSdkTransport().strippingPathParameters()
            .blankingBackslashTargets().droppingLengthBesideChunked()
            .speakingHttp2(EVERY_HTTP2);

    /**
     * Undertow 2.3 (core handlers) parses the head before {@code Connectors.executeRootHandler}, the agent's hook,
     * and answers 400 itself to a raw backslash and to a {@code %} without two hex digits (in a path parameter
     * too), and to every malformed {@code Content-Length}, one beside {@code Transfer-Encoding} included. With
     * {@code ENABLE_HTTP2} its cleartext listener takes h2c by prior knowledge as well as by {@code Upgrade}: seen
     * with {@code curl --http2-prior-knowledge} and with this suite's client, both answered over HTTP/2.
     */
    static final Stack UNDERTOW = Stack.of("undertow", Jar.DEMO, "undertow")
            .withForwardedHeaders().strippingPathParameters()
            .refusingItself(400, List.of("/a\\b", "/%zz", "/health;a=%zz"))
            .refusingItself(400, EVERY_BAD_LENGTH)
            .speakingHttp2(EVERY_HTTP2);

    /**
     * Raw Netty 4.1: {@code HttpServerCodec} and the application's handler, the body in chunks. The codec answers
     * nothing itself: a head it cannot frame (any malformed {@code Content-Length}, one beside
     * {@code Transfer-Encoding} included) comes out as a message with a failed {@code DecoderResult}, and the
     * agent, right after the codec, sees and refuses it like any other; the target is passed on as sent. So every
     * malformed input of the suite reaches the agent. The demo routes on the exact decoded path.
     */
    static final Stack NETTY = Stack.of("netty", Jar.DEMO, "netty")
            .speakingHttp2(EVERY_HTTP2);

    /** Raw Netty 4.1 with an {@code HttpObjectAggregator} after the codec (and so after the agent): as {@link #NETTY}. */
    static final Stack NETTY_AGGREGATED = Stack.of("netty-aggregated", Jar.DEMO, "netty")
            .speakingHttp2(EVERY_HTTP2);

    /**
     * Reactor Netty's {@code HttpServer} (the server under Spring WebFlux), {@code forwarded(true)} under
     * {@code --trust-forwarded}. Without the agent it answers 400 itself to a head the codec could not frame,
     * but the agent sits right after the codec, before Reactor's own handlers: as {@link #NETTY}, every malformed
     * input of the suite reaches the agent. The demo routes on the exact path.
     */
    static final Stack REACTOR = Stack.of("reactor", Jar.DEMO, "netty")
            .withForwardedHeaders()
            .speakingHttp2(EVERY_HTTP2);

    /**
     * Vert.x 4.5's {@code HttpServer} (default options, so h2c is accepted even without {@code --http2}), on Netty:
     * the agent gates it as Netty, right after Vert.x's split HTTP/1 codec ({@code HttpRequestDecoder} and
     * {@code HttpResponseEncoder}). Seen running the suite on it: like {@link #NETTY}, the server answers none of
     * the suite's malformed inputs itself (every one reaches the agent), the demo routes on the exact path (404 for
     * {@code /health;a=x}), the MCP endpoint is the demo's hand-written one, and there is no forwarded-header
     * feature for {@code --trust-forwarded} to turn on.
     */
    static final Stack VERTX = Stack.of("vertx", Jar.DEMO, "netty")
            .speakingHttp2(EVERY_HTTP2);

    /**
     * The JDK's {@code com.sun.net.httpserver}, gated by a filter the agent keeps first in every context, and by a
     * fallback context (holding the same filter) for a request no context matches, which the server would
     * otherwise answer 404 before any filter. The server answers 400 itself, before choosing a context, to a target
     * {@code java.net.URI} cannot parse (a raw backslash, a {@code %} without two hex digits), and to a
     * {@code Content-Length} it cannot parse ({@code abc}, {@code -1}, more than a long) or that is sent twice or
     * beside {@code Transfer-Encoding}; it takes {@code +10}, which the agent then refuses. Contexts match the
     * decoded path by text prefix, case-sensitively: {@code /health;a=x} is served by {@code /health},
     * {@code /inspectorx} by {@code /inspector}.
     */
    static final Stack JDK = Stack.of("jdk", Jar.DEMO, "jdk-httpserver")
            .strippingPathParameters().routingByTextPrefix()
            .refusingItself(400, List.of("/a\\b", "/%zz", "/health;a=%zz"))
            .refusingItself(400, List.of(CL_NOT_A_NUMBER, CL_NEGATIVE, CL_OVER_A_LONG, CL_TWICE, CL_BESIDE_CHUNKED));

    /** Embedded Tomcat 9 ({@code javax.servlet}): the same Coyote parser as Tomcat 11, the same hand-over. */
    static final Stack TOMCAT9 = Stack.of("tomcat9", Jar.JAVAX, "tomcat")
            .withForwardedHeaders().strippingPathParameters()
            .blankingBackslashTargets().droppingLengthBesideChunked()
            .speakingHttp2(EVERY_HTTP2);

    /**
     * Jetty 10 ({@code javax.servlet}) parses the head and checks URI compliance before
     * {@code Server.handle(HttpChannel)}, the agent's hook, like Jetty 12 but more leniently: it answers 400 itself
     * to an encoded dot or control character, {@code ..} above the root or behind a parameter, a bad escape and
     * {@code //inspector}, but hands an encoded slash, a raw backslash, overlong UTF-8 and an encoded CR LF over;
     * and it refuses every malformed {@code Content-Length}, one beside {@code Transfer-Encoding} included.
     */
    static final Stack JETTY10 = Stack.of("jetty10", Jar.JAVAX, "jetty")
            .withForwardedHeaders().strippingPathParameters()
            .refusingItself(400, List.of("/%2e%2e/inspector", "/x%00", "/x%00?q=1", "/..;/..", "/%zz", "/../../etc",
                    "//inspector", "/inspector/..;/health"))
            .refusingItself(400, EVERY_BAD_LENGTH)
            .speakingHttp2(EVERY_HTTP2);

    private static final List<Stack> EVERY = List.of(
            JETTY, TOMCAT, UNDERTOW, NETTY, NETTY_AGGREGATED, REACTOR, VERTX, JDK, TOMCAT9, JETTY10);

    /**
     * Small apps on the web frameworks MCP servers are built with (integration-tests/frameworks), routing by pattern
     * and prefix as those frameworks do: not demo stacks (no MCP, only the endpoints' answers), so only the
     * differential test runs them. Spring MVC's DispatcherServlet on embedded Tomcat 11 ({@code /mcp/**}), Vert.x
     * Web's Router on Vert.x 4.5 ({@code /mcp/*}, {@code /inspector*}), Javalin 7 on Jetty 12 ({@code /mcp/<path>}).
     */
    static final List<Stack> FRAMEWORK_APPS = List.of(
            Stack.of("spring-mvc", Jar.FRAMEWORKS, "tomcat"),
            Stack.of("vertx-web", Jar.FRAMEWORKS, "netty"),
            Stack.of("javalin", Jar.FRAMEWORKS, "jetty"));

    private static final String NAMED = System.getProperty("mcpguard.it.stacks", "");

    /** The stacks of this run: all of them, or those named by {@code mcpguard.it.stacks}. */
    static final List<Stack> ALL = selected(NAMED, EVERY);

    /** The framework apps of this run: all of them, or those named by {@code mcpguard.it.stacks}. */
    static final List<Stack> FRAMEWORKS = selected(NAMED, FRAMEWORK_APPS);

    private Stacks() {}

    /** For {@code @MethodSource("dev.mcpguard.it.Stacks#all")}. */
    static Stream<Stack> all() {
        return ALL.stream();
    }

    /** Every stack that speaks HTTP/2, with every way it speaks it: arguments {@code (stack, protocol)}. */
    static Stream<Arguments> http2() {
        return ALL.stream().flatMap(stack -> Arrays.stream(Protocol.values())
                .filter(stack.http2()::contains).map(protocol -> Arguments.of(stack, protocol)));
    }

    /** Every stack with every case: arguments {@code (stack, case)}. */
    static Stream<Arguments> times(List<?> cases) {
        return ALL.stream().flatMap(stack -> cases.stream().map(c -> Arguments.of(stack, c)));
    }

    private static List<Stack> selected(String names, List<Stack> from) {
        if (names.isBlank()) {
            return from;
        }
        List<Stack> known = Stream.concat(EVERY.stream(), FRAMEWORK_APPS.stream()).toList();
        return Arrays.stream(names.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                .map(name -> known.stream().filter(stack -> stack.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("mcpguard.it.stacks: no stack named '" + name
                                + "'; the stacks are " + known)))
                .filter(from::contains)
                .toList();
    }
}
