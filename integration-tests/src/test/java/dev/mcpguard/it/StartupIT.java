package dev.mcpguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.it.Stacks.Stack;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the agent says at start (§3): invalid knobs stop the JVM, unknown ones are named, the banner. */
class StartupIT {

    private static final String UNKNOWN_VALUE = "secretvalue";

    @RegisterExtension
    static final DemoServers UNKNOWN_KNOB = DemoServers.of(Launch.standard().with("MCPGUARD_FOO", UNKNOWN_VALUE));

    /** An invalid value; {@code secret}: a token knob, whose value must never be printed. */
    record BadKnob(String knob, String value, boolean secret) {
        @Override
        public String toString() {
            return knob + "=" + value;
        }
    }

    static Stream<Arguments> badKnobs() {
        return Stacks.times(List.of(
                new BadKnob("MCPGUARD_MAX_BODY_BYTES", "12XB", false),
                new BadKnob("MCPGUARD_MODE", "block", false),
                new BadKnob("MCPGUARD_BIND", "localhost", false),
                new BadKnob("MCPGUARD_NO_AUTH", "maybe", false),
                new BadKnob("MCPGUARD_RESOURCE_METADATA_URL", "ftp://x", false),
                new BadKnob("MCPGUARD_TOKEN_FILE", "/nonexistent/mcpguard-tokens", true),
                new BadKnob("MCPGUARD_TOKEN_SHA256", "not-a-digest", true)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badKnobs")
    void anInvalidKnobStopsTheJvmWithOneLineNamingIt(Stack stack, BadKnob bad) {
        DemoServer.Exit exit = DemoServer.runToExit(stack, Launch.standard().with(bad.knob(), bad.value()));

        assertThat(exit.code()).as("exit status").isNotZero();
        assertThat(exit.stdout()).as("stdout: the application never ran").noneMatch(line -> line.contains("LISTENING"));
        assertThat(exit.stderr()).as("stderr").singleElement().satisfies(line -> {
            assertThat(line).contains(bad.knob()).doesNotContain("FATAL", "Exception", "\tat ");
            if (bad.secret()) {
                assertThat(line).contains("<redacted>").doesNotContain(bad.value());
            } else {
                assertThat(line).contains(bad.value());
            }
        });
    }

    @OnEachStack
    void anUnknownKnobIsNamedButItsValueNeverPrinted(Stack stack) {
        DemoServer server = UNKNOWN_KNOB.on(stack);

        server.awaitStderrLine("WARN", "MCPGUARD_FOO");
        assertThat(server.stderr().all()).noneMatch(line -> line.contains(UNKNOWN_VALUE));
    }

    /**
     * The banner names the server family the agent instrumented, as {@code instrumented <family>: <class>}, once
     * the server's classes load: at start, or with the first request at the latest.
     */
    @OnEachStack
    void theBannerNamesTheInstrumentedStack(Stack stack) {
        DemoServer server = UNKNOWN_KNOB.on(stack);

        server.exchange(Request.get("/health").bearer(Launch.TOKEN));

        server.awaitStderrLine("mcpguard", "instrumented " + stack.family() + ": ");
    }
}
