package dev.mcpguard.cli;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The counts of one or more logs, side by side: what the renderers print. */
final class Report {

    /** The line counts of one input log. */
    static final class Log {
        final String name;
        long decisions;
        long blocked;
        long wouldBlock;
        long allowed;
        long other;

        Log(String name) {
            this.name = name;
        }
    }

    /** One row of the refusal table. */
    record Key(String gate, String reason, String action) {
    }

    /** A row's count per log, in the order of the logs, and its top paths and clients over all logs. */
    static final class Row {
        final Key key;
        final long[] counts;
        long total;
        final TopCounter paths = new TopCounter();
        final TopCounter clients = new TopCounter();

        Row(Key key, int logs) {
            this.key = key;
            this.counts = new long[logs];
        }
    }

    /** Contract order (design §4) for what this version knows; newer logs' names after, alphabetically. */
    private static final Comparator<Key> ROW_ORDER = Comparator
            .comparing(Key::gate, knownFirst(Arrays.stream(GateName.values()).map(GateName::id).toList()))
            .thenComparing(Key::reason, knownFirst(Arrays.stream(Reason.values()).map(Reason::id).toList()))
            .thenComparing(Key::action, knownFirst(List.of(Action.BLOCKED.id(), Action.WOULD_BLOCK.id())));

    private final List<Log> logs = new ArrayList<>();
    private final Map<Key, Row> rows = new HashMap<>();

    Report(List<String> logNames) {
        for (String name : logNames) {
            logs.add(new Log(name));
        }
    }

    /** @param decision what a line of the log said, {@code null} for a line that is not a decision */
    void add(int log, DecisionLine decision) {
        Log counts = logs.get(log);
        if (decision == null) {
            counts.other++;
            return;
        }
        counts.decisions++;
        if (Action.ALLOWED.id().equals(decision.action())) {
            counts.allowed++;
            return;
        }
        if (!decision.refusal()) {
            // an action newer than this version: a decision, but neither allowed nor refused as far as we know
            return;
        }
        if (Action.BLOCKED.id().equals(decision.action())) {
            counts.blocked++;
        } else {
            counts.wouldBlock++;
        }
        Key key = new Key(decision.gate(), decision.reason(), decision.action());
        Row row = rows.computeIfAbsent(key, k -> new Row(k, logs.size()));
        row.counts[log]++;
        row.total++;
        row.paths.add(decision.path());
        row.clients.add(decision.client());
    }

    List<Log> logs() {
        return logs;
    }

    List<Row> rows() {
        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort(Comparator.comparing(row -> row.key, ROW_ORDER));
        return sorted;
    }

    private static Comparator<String> knownFirst(List<String> known) {
        return Comparator.<String>comparingInt(id -> {
            int index = known.indexOf(id);
            return index < 0 ? known.size() : index;
        }).thenComparing(Comparator.naturalOrder());
    }
}
