package dev.mcpguard.it;

import static dev.mcpguard.it.Launch.LOOPBACK_PATH;
import static dev.mcpguard.it.Launch.MAX_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code MCPGUARD_MODE=off} (§3): no gate acts and nothing is logged. */
class ModeOffIT {

    @RegisterExtension
    static final DemoServers OFF = DemoServers.of(Launch.standard().with("MCPGUARD_MODE", "off"));

    @OnEachStack
    void noGateActsAndNothingIsLogged(Stack stack) throws InterruptedException {
        DemoServer server = OFF.on(stack);

        // each request breaks at least one gate, and no token is sent: AUTH would refuse them all
        assertThat(send(server, Request.get(LOOPBACK_PATH)).status()).isEqualTo(200);
        assertThat(send(server, Request.get("/health").header("Origin", "null")).text()).isEqualTo("ok");
        assertThat(send(server, Request.get("/health").host("evil.example")).text()).isEqualTo("ok");
        assertThat(send(server, Request.post("/upload").body(Request.filler(2 * MAX_BODY))).text())
                .isEqualTo("{\"bytes\":" + 2 * MAX_BODY + "}");

        // with no gate on, no sentinel can mark the end of the log: give late lines a generous second
        Thread.sleep(1000);
        assertThat(server.stderr().all()).noneMatch(line -> Decision.parse(line).isPresent());
    }

    private static RawResponse send(DemoServer server, Request request) {
        return RawHttp.exchange(server.port(), request);
    }
}
