package dev.mcpguard.agent;

import dev.mcpguard.config.Config;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.mcpguard.audit.OperatorLog;

/**
 * The startup report: one INFO block with the knobs set and the effective configuration
 * (secrets redacted), then one WARN line per relaxation and per unknown knob, and an ERROR when
 * authentication fails closed. The servers actually instrumented are reported as their classes load.
 */
final class Banner {

    private Banner() {
    }

    /** @param how {@code started} or {@code attached} */
    static void print(OperatorLog log, String version, String how, Config config, List<ServerInstrumentation> servers) {
        StringBuilder block = new StringBuilder("mcpguard ").append(version).append(' ').append(how);
        for (String set : config.setKnobs()) {
            block.append(System.lineSeparator()).append("  set ").append(set);
        }
        for (String line : config.summary()) {
            block.append(System.lineSeparator()).append("  ").append(line);
        }
        Set<String> families = new LinkedHashSet<>();
        for (ServerInstrumentation server : servers) {
            families.add(server.family());
        }
        block.append(System.lineSeparator()).append("  guarding, once their classes load: ").append(String.join(", ", families));
        log.info(block.toString());
        for (String relaxation : config.relaxations()) {
            log.warn("relaxed: {}", relaxation);
        }
        for (String unknown : config.unknownKnobs()) {
            log.warn("unknown knob {} ignored (its value is not shown): check its spelling", unknown);
        }
        if (config.authFailsClosed()) {
            log.error(Config.FAIL_CLOSED_WARNING);
        }
    }
}
