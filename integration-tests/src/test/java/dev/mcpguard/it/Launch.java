package dev.mcpguard.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start the demo app: the {@code MCPGUARD_*} environment it gets, the address it asks to listen on,
 * whether the server's own forwarded-header handling is on, whether the JVM starts with the agent
 * ({@code -javaagent}) or without it, for a later attach, what its port speaks (HTTP/1.x, h2c, TLS), and
 * any other demo options, and the command it runs under (such as {@code ip netns exec <ns>}). Immutable;
 * {@code with…} methods return a changed copy.
 */
record Launch(Map<String, String> env, String host, boolean trustForwarded, boolean agent, Transport transport,
        List<String> options, List<String> prefix) {

    /** What the demo's one port speaks (its {@code --http2} and {@code --tls} options). */
    enum Transport {
        /** HTTP/1.x in clear text: the demo's default. */
        PLAIN(null),
        /** HTTP/1.1 and h2c, by {@code Upgrade} and by prior knowledge ({@code --http2}). */
        H2C("--http2"),
        /** TLS only, a self-signed certificate made at start; ALPN offers h2 where the stack has it ({@code --tls}). */
        TLS("--tls"),
        /**
         * HTTP/1.x in clear text after a PROXY protocol header ({@code --proxy-protocol}): the suite's own requests
         * ({@link DemoServer#exchange}, the decision-log sentinel) send one from loopback that claims loopback.
         */
        PROXY("--proxy-protocol"),
        /** HTTP/1.x in clear text, and AJP/1.3 on a port of its own ({@code --ajp-port=0}, {@link DemoServer#ajpPort}). */
        AJP("--ajp-port=0");

        /** The demo's option; null for none. */
        final String option;

        Transport(String option) {
            this.option = option;
        }
    }

    /** Both accepted: rotation ({@code old,new}) is part of what the suite proves. */
    static final String TOKEN = "s3cr3t-token";
    static final String ROTATED_TOKEN = "rotated-token";

    /** The prefix the suite declares loopback-only; the demo app serves a developer page there. */
    static final String LOOPBACK_PATH = "/inspector";

    /** 1 KiB, so that body tests stay small. */
    static final int MAX_BODY = 1024;

    Launch {
        env = Map.copyOf(env);
        options = List.copyOf(options);
        prefix = List.copyOf(prefix);
    }

    /** No knob at all: the agent's defaults (and so fail-closed auth). */
    static Launch defaults() {
        return new Launch(Map.of(), "127.0.0.1", false, true, Transport.PLAIN, List.of(), List.of());
    }

    /** The configuration most tests use: both tokens accepted, {@code /inspector} loopback-only, a 1 KiB body limit. */
    static Launch standard() {
        return defaults()
                .with("MCPGUARD_TOKEN", TOKEN + "," + ROTATED_TOKEN)
                .with("MCPGUARD_LOOPBACK_PATHS", LOOPBACK_PATH)
                .with("MCPGUARD_MAX_BODY_BYTES", "1KiB");
    }

    Launch with(String knob, String value) {
        Map<String, String> changed = new LinkedHashMap<>(env);
        changed.put(knob, value);
        return new Launch(changed, host, trustForwarded, agent, transport, options, prefix);
    }

    Launch without(String knob) {
        Map<String, String> changed = new LinkedHashMap<>(env);
        changed.remove(knob);
        return new Launch(changed, host, trustForwarded, agent, transport, options, prefix);
    }

    Launch trustingForwardedHeaders() {
        return new Launch(env, host, true, agent, transport, options, prefix);
    }

    /** The address the application asks to listen on; by default 127.0.0.1, which the BIND gate leaves alone. */
    Launch listeningOn(String address) {
        return new Launch(env, address, trustForwarded, agent, transport, options, prefix);
    }

    /** The JVM starts without {@code -javaagent}: the agent comes later, by attach. */
    Launch withoutAgent() {
        return new Launch(env, host, trustForwarded, false, transport, options, prefix);
    }

    /** The demo also gets {@code option}, a server feature of its own (such as {@code --inflate-requests}). */
    Launch withOption(String option) {
        List<String> changed = new ArrayList<>(options);
        changed.add(option);
        return new Launch(env, host, trustForwarded, agent, transport, changed, prefix);
    }

    /** The JVM is started by {@code command} followed by the usual {@code java …} command line. */
    Launch under(List<String> command) {
        return new Launch(env, host, trustForwarded, agent, transport, options, command);
    }

    /** The demo's port speaks {@code transport}. */
    Launch serving(Transport transport) {
        return new Launch(env, host, trustForwarded, agent, transport, options, prefix);
    }
}
