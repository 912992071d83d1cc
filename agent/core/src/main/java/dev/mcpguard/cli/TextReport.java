package dev.mcpguard.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The report as aligned plain-text tables that fit a 100-column terminal for two logs with
 * names of reasonable length; longer names and values are cut with an ellipsis.
 */
final class TextReport {
    private static final int LOG_NAME = 40;
    private static final int COLUMN_HEADER = 22;
    private static final int GATE = 12;
    private static final int REASON = 24;
    private static final int VALUE = 72;

    private TextReport() {
    }

    static void print(Report report, int top, PrintStream out) {
        Table logs = new Table(false, true, true, true, true, true);
        logs.add("log", "decisions", "blocked", "would_block", "allowed", "other");
        for (Report.Log log : report.logs()) {
            logs.add(Printable.textTail(log.name, LOG_NAME), Long.toString(log.decisions), Long.toString(log.blocked),
                    Long.toString(log.wouldBlock), Long.toString(log.allowed), Long.toString(log.other));
        }
        logs.print(out);
        out.println();

        List<Report.Row> rows = report.rows();
        if (rows.isEmpty()) {
            out.println("no refusals");
            return;
        }
        printRefusals(report, rows, out);
        if (top > 0) {
            out.println();
            printTops(rows, top, out);
        }
    }

    private static void printRefusals(Report report, List<Report.Row> rows, PrintStream out) {
        boolean[] right = new boolean[3 + report.logs().size() + 1];
        Arrays.fill(right, 3, right.length, true); // the counts
        Table table = new Table(right);
        List<String> header = new ArrayList<>(List.of("gate", "reason", "action"));
        for (Report.Log log : report.logs()) {
            header.add(Printable.textTail(log.name, COLUMN_HEADER));
        }
        header.add("total");
        table.add(header.toArray(new String[0]));
        for (Report.Row row : rows) {
            List<String> cells = new ArrayList<>(List.of(Printable.text(row.key.gate(), GATE),
                    Printable.text(row.key.reason(), REASON), Printable.text(row.key.action())));
            for (long count : row.counts) {
                cells.add(Long.toString(count));
            }
            cells.add(Long.toString(row.total));
            table.add(cells.toArray(new String[0]));
        }
        table.print(out);
    }

    private static void printTops(List<Report.Row> rows, int top, PrintStream out) {
        out.println("top paths and clients of each row, over all logs (at most " + top + " each):");
        for (Report.Row row : rows) {
            List<TopCounter.Entry> paths = row.paths.top(top);
            List<TopCounter.Entry> clients = row.clients.top(top);
            int width = Math.max(countWidth(paths), countWidth(clients));
            out.println(Printable.text(row.key.gate(), GATE) + "/" + Printable.text(row.key.reason(), REASON) + "/"
                    + Printable.text(row.key.action()));
            printTop("  paths    ", paths, width, out);
            printTop("  clients  ", clients, width, out);
        }
    }

    private static void printTop(String label, List<TopCounter.Entry> entries, int width, PrintStream out) {
        String indent = " ".repeat(label.length());
        for (int i = 0; i < entries.size(); i++) {
            TopCounter.Entry entry = entries.get(i);
            String value = entry.other() ? "(other)" : Printable.text(entry.value(), VALUE);
            out.println((i == 0 ? label : indent) + pad(Long.toString(entry.count()), width, true) + "  " + value);
        }
    }

    private static int countWidth(List<TopCounter.Entry> entries) {
        int width = 1;
        for (TopCounter.Entry entry : entries) {
            width = Math.max(width, Long.toString(entry.count()).length());
        }
        return width;
    }

    private static String pad(String cell, int width, boolean right) {
        String padding = " ".repeat(width - cell.length());
        return right ? padding + cell : cell + padding;
    }

    /** Columns two spaces apart, each as wide as its widest cell; no trailing spaces. */
    private static final class Table {
        private final boolean[] right;
        private final List<String[]> rows = new ArrayList<>();

        Table(boolean... right) {
            this.right = right;
        }

        void add(String... cells) {
            rows.add(cells);
        }

        void print(PrintStream out) {
            int[] widths = new int[right.length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == 0 ? "" : "  ").append(pad(row[i], widths[i], right[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
