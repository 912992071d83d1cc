package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpguard.net.PathPrefixes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Servers that route on plain string prefixes: the restriction follows the handler, not only the path. */
class LoopbackGateRouteTest {
    private final LoopbackGate gate = new LoopbackGate(PathPrefixes.of(List.of("/inspector"), true), false, false, List.of());

    @Test
    void aRequestRoutedToARestrictedPrefixIsRestricted() {
        RequestView request = routedTo("/inspector", FakeRequest.builder().target("/inspectorx").peer("10.0.0.9").build());

        assertThat(gate.check(request, "/inspectorx", null)).isEqualTo(Reason.LOOPBACK_ONLY);
    }

    @Test
    void aRequestRoutedElsewhereIsJudgedByItsPathAlone() {
        RequestView request = routedTo("/", FakeRequest.builder().target("/inspectorx").peer("10.0.0.9").build());

        assertThat(gate.check(request, "/inspectorx", null)).isNull();
    }

    private static RequestView routedTo(String prefix, FakeRequest request) {
        return new RequestView() {
            @Override public String method() { return request.method(); }
            @Override public String rawPath() { return request.rawPath(); }
            @Override public String rawQuery() { return request.rawQuery(); }
            @Override public int headerCount(String name) { return request.headerCount(name); }
            @Override public String header(String name, int index) { return request.header(name, index); }
            @Override public boolean hasHeaderStartingWith(String lowerCasePrefix) { return request.hasHeaderStartingWith(lowerCasePrefix); }
            @Override public String peerAddress() { return request.peerAddress(); }
            @Override public String localAddress() { return request.localAddress(); }
            @Override public String routedPrefix() { return prefix; }
        };
    }
}
