package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import dev.mcpguard.it.Stacks.Stack;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code dev.mcpguard:type=Gates} MBean after known traffic, read the way jconsole does: through the local
 * JMX connector of the server's JVM. Requests go out without the suite's sentinel, which would be counted too.
 */
class GatesMBeanIT {

    private static final String NAME = "dev.mcpguard:type=Gates";
    /** Launch.TOKEN's principal: {@code token:} and the first 8 hex digits of its SHA-256 ({@code printf %s s3cr3t-token | sha256sum}). */
    private static final String PRINCIPAL = "principal.token:fb07916a";

    @RegisterExtension
    static final DemoServers ENFORCING = DemoServers.of(Launch.standard());

    @RegisterExtension
    static final DemoServers LOG_ONLY = DemoServers.of(Launch.standard().with("MCPGUARD_MODE", "log-only")
            .with("MCPGUARD_BODY_MODE", "enforce"));

    @OnEachStack
    void countsEveryDecisionByGateAndReasonWhenEnforcing(Stack stack) throws Exception {
        DemoServer server = ENFORCING.on(stack);

        sendKnownTraffic(server);

        Map<String, Object> expected = attributes(
                "allowed", 2L, "blocked", 5L, "would_block", 0L, "internal_errors", 0L,
                "blocked.auth.missing_token", 2L, "blocked.auth.invalid_token", 1L, "blocked.loopback.loopback_only", 0L,
                "blocked.origin.origin_not_allowed", 1L, "blocked.body.body_too_large", 1L,
                "would_block.auth.missing_token", 0L,
                PRINCIPAL + ".allowed", 2L, PRINCIPAL + ".blocked", 1L,
                "mode.auth", "enforce", "mode.body", "enforce", "mode.bind", "enforce");
        assertThat(eventuallyRead(server, expected)).isEqualTo(expected);
    }

    @OnEachStack
    void countsWouldBlockSeparatelyAndShowsEachGatesMode(Stack stack) throws Exception {
        DemoServer server = LOG_ONLY.on(stack);

        sendKnownTraffic(server);

        Map<String, Object> expected = attributes(
                "allowed", 6L, "blocked", 1L, "would_block", 4L,
                "blocked.body.body_too_large", 1L, "blocked.auth.missing_token", 0L,
                "would_block.auth.missing_token", 2L, "would_block.auth.invalid_token", 1L,
                "would_block.origin.origin_not_allowed", 1L,
                PRINCIPAL + ".allowed", 3L, PRINCIPAL + ".blocked", 1L,
                "mode.path", "log-only", "mode.auth", "log-only", "mode.body", "enforce");
        assertThat(eventuallyRead(server, expected)).isEqualTo(expected);
    }

    /** Attribute names and values, in pairs. */
    private static Map<String, Object> attributes(Object... pairs) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            attributes.put((String) pairs[i], pairs[i + 1]);
        }
        return attributes;
    }

    /** 2 allowed, 2 missing_token, 1 invalid_token, 1 origin_not_allowed, 1 body_too_large (declared, enforced in both). */
    private static void sendKnownTraffic(DemoServer server) {
        int port = server.port();
        assertThat(RawHttp.exchange(port, Request.get("/health").bearer(TOKEN)).status()).isEqualTo(200);
        assertThat(RawHttp.exchange(port, Request.post("/upload").bearer(TOKEN).body(new byte[10])).status()).isEqualTo(200);
        RawHttp.exchange(port, Request.get("/health"));
        RawHttp.exchange(port, Request.post("/mcp"));
        RawHttp.exchange(port, Request.get("/health").bearer("wrong"));
        RawHttp.exchange(port, Request.get("/health").bearer(TOKEN).header("Origin", "https://evil.example"));
        assertThat(RawHttp.exchange(port, Request.post("/upload").bearer(TOKEN).body(new byte[Launch.MAX_BODY + 1])).status())
                .isEqualTo(413);
    }

    /**
     * The MBean is registered on a thread of its own once the server's classes are instrumented, and counters are
     * read while the last responses may still be on their way: reads until the values match or 15 s pass.
     */
    private static Map<String, Object> eventuallyRead(DemoServer server, Map<String, Object> expected) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(server.pid()));
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName(NAME);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            Map<String, Object> read = new LinkedHashMap<>();
            while (System.nanoTime() < deadline) {
                if (connection.isRegistered(name)) {
                    read.clear();
                    for (String attribute : expected.keySet()) {
                        read.put(attribute, connection.getAttribute(name, attribute));
                    }
                    if (read.equals(expected)) {
                        assertAllAttributesReadable(connection, name);
                        return read;
                    }
                }
                Thread.sleep(200);
            }
            return read;
        }
    }

    /** What an exporter does: every attribute the MBean describes can be read, and counters are numbers. */
    private static void assertAllAttributesReadable(MBeanServerConnection connection, ObjectName name) throws Exception {
        for (MBeanAttributeInfo attribute : connection.getMBeanInfo(name).getAttributes()) {
            Object value = connection.getAttribute(name, attribute.getName());
            assertThat(value).as(attribute.getName()).isInstanceOf(attribute.getName().startsWith("mode.") ? String.class : Long.class);
        }
    }
}
