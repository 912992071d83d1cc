package dev.mcpguard.agent;

import dev.mcpguard.config.Config;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.mcpguard.audit.OperatorLog;

/**
 * The startup report: one INFO block with the knobs set and the effective configuration
 * (secrets redacted) and the token file's entries (never a token), then one WARN line per
 * relaxation, per token file warning and per unknown knob, and an ERROR when
 * authentication fails closed. The servers actually instrumented are reported as their classes load.
 */
final class Banner {

    static final int ENTRIES_SHOWN = 20;

    private Banner() {
    }

    /**
     * The token file's entries, at most {@link #ENTRIES_SHOWN}: a file of hundreds would bury the
     * rest of the banner, and {@code check} lists them all.
     */
    static List<String> tokenFileEntries(Config config) {
        List<String> entries = config.tokenFileEntries();
        if (entries.size() <= ENTRIES_SHOWN) {
            return entries;
        }
        List<String> shown = new ArrayList<>(entries.subList(0, ENTRIES_SHOWN));
        shown.add("... and " + (entries.size() - ENTRIES_SHOWN) + " more token file entries (`check` lists them all)");
        return shown;
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
        for (String entry : tokenFileEntries(config)) {
            block.append(System.lineSeparator()).append("  ").append(entry);
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
        for (String warning : config.credentialWarnings(System.currentTimeMillis())) {
            log.warn(warning);
        }
        for (String unknown : config.unknownKnobs()) {
            log.warn("unknown knob {} ignored (its value is not shown): check its spelling", unknown);
        }
        if (config.authFailsClosed()) {
            log.error(Config.FAIL_CLOSED_WARNING);
        }
    }
}
