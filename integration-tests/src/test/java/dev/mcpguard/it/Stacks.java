package dev.mcpguard.it;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The server stacks every behaviour is proven on: one suite, run once per stack. */
final class Stacks {

    static final List<String> ALL = List.of("jetty", "tomcat");

    /**
     * Jetty checks URI compliance and parses the request head in its connector, before {@code Server.handle},
     * which is where the agent gates Jetty: requests Jetty refuses there never reach the agent.
     */
    static final String JETTY = "jetty";

    /** Tomcat parses the request head before the agent's hook too, but hands nearly everything over. */
    static final String TOMCAT = "tomcat";

    private Stacks() {}

    /** For {@code @MethodSource("dev.mcpguard.it.Stacks#names")}. */
    static Stream<String> names() {
        return ALL.stream();
    }

    /** Every stack with every case: arguments {@code (stack, case)}. */
    static Stream<Arguments> times(List<?> cases) {
        return ALL.stream().flatMap(stack -> cases.stream().map(c -> Arguments.of(stack, c)));
    }
}
