package dev.mcpguard.agent;

import dev.mcpguard.bind.ListeningSockets;
import dev.mcpguard.bind.UngatedListeners;
import dev.mcpguard.config.Config;
import dev.mcpguard.core.BindPolicy;
import dev.mcpguard.net.PeerAddresses;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code attach} prints: the effective configuration, what was instrumented in the running
 * JVM, and what an agent arriving late cannot do, so that nobody assumes protection the attach
 * did not give.
 */
final class AttachReport {

    private AttachReport() {
    }

    static List<String> lines(String version, Config config, BindPolicy bindPolicy, InstrumentationListener listener) {
        List<String> lines = new ArrayList<>();
        lines.add("mcpguard " + version + " attached");
        for (String line : config.summary()) {
            lines.add("  " + line);
        }
        for (String entry : Banner.tokenFileEntries(config)) {
            lines.add("  " + entry);
        }
        for (String relaxation : config.relaxations()) {
            lines.add("  relaxed: " + relaxation);
        }
        for (String warning : config.credentialWarnings(System.currentTimeMillis())) {
            lines.add("  warning: " + warning);
        }
        if (config.authFailsClosed()) {
            lines.add("  fail-closed: " + Config.FAIL_CLOSED_WARNING);
        }
        Map<String, List<String>> typesByFamily = new TreeMap<>();
        for (Map.Entry<String, String> type : listener.instrumented().entrySet()) {
            typesByFamily.computeIfAbsent(type.getValue(), family -> new ArrayList<>()).add(type.getKey());
        }
        for (Map.Entry<String, List<String>> family : typesByFamily.entrySet()) {
            lines.add("  instrumented now: " + family.getKey() + " (" + String.join(", ", family.getValue()) + ")");
        }
        if (!listener.serverInstrumented()) {
            lines.add("  no supported server is loaded yet: one that starts later is gated as its classes load");
        }
        for (String sentence : listener.notGated()) {
            lines.add("  NOT GATED: " + sentence);
        }
        for (String sentence : UngatedListeners.seen()) {
            lines.add("  NOT GATED: " + sentence);
        }
        listening(lines, bindPolicy);
        for (String limit : listener.attachLimits()) {
            lines.add("  cannot apply after the fact: " + limit);
        }
        return lines;
    }

    private static void listening(List<String> lines, BindPolicy bindPolicy) {
        List<InetSocketAddress> sockets = ListeningSockets.ofThisProcess();
        if (sockets == null) {
            lines.add("  cannot apply after the fact: server sockets already listening keep their address; "
                    + "the BIND gate governs binds from now on");
            return;
        }
        for (InetSocketAddress socket : sockets) {
            String address = PeerAddresses.canonicalLiteral(socket.getAddress().getHostAddress()) + ":" + socket.getPort();
            if (bindPolicy.narrowed(socket.getAddress(), socket.getPort()) != null) {
                lines.add("  LISTENING WIDER THAN MCPGUARD_BIND=" + PeerAddresses.canonicalLiteral(bindPolicy.widest().getHostAddress()) + ": " + address
                        + " (the BIND gate cannot move a socket already listening; restart with -javaagent to narrow it)");
            } else {
                lines.add("  listening: " + address + " (as the BIND gate allows)");
            }
        }
    }
}
