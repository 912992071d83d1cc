package dev.mcpguard.cli;

import java.io.PrintStream;
import java.util.List;

/** The report as one line of JSON, for scripts: values as read (whole up to {@link DecisionLineParser#MAX_VALUE_CHARS}) and escaped, log names as given. */
final class JsonReport {

    private JsonReport() {
    }

    static void print(Report report, int top, PrintStream out) {
        StringBuilder json = new StringBuilder(1024).append("{\"logs\":[");
        List<Report.Log> logs = report.logs();
        for (int i = 0; i < logs.size(); i++) {
            Report.Log log = logs.get(i);
            json.append(i == 0 ? "{" : ",{").append("\"name\":");
            Printable.json(json, log.name);
            json.append(",\"decisions\":").append(log.decisions)
                    .append(",\"blocked\":").append(log.blocked)
                    .append(",\"would_block\":").append(log.wouldBlock)
                    .append(",\"allowed\":").append(log.allowed)
                    .append(",\"other_lines\":").append(log.other).append('}');
        }
        json.append("],\"rows\":[");
        List<Report.Row> rows = report.rows();
        for (int r = 0; r < rows.size(); r++) {
            Report.Row row = rows.get(r);
            json.append(r == 0 ? "{" : ",{").append("\"gate\":");
            Printable.json(json, row.key.gate());
            json.append(",\"reason\":");
            Printable.json(json, row.key.reason());
            json.append(",\"action\":");
            Printable.json(json, row.key.action());
            json.append(",\"counts\":{");
            for (int i = 0; i < logs.size(); i++) {
                json.append(i == 0 ? "" : ",");
                Printable.json(json, logs.get(i).name);
                json.append(':').append(row.counts[i]);
            }
            json.append("},\"total\":").append(row.total).append(",\"top_paths\":");
            top(json, row.paths.top(top));
            json.append(",\"top_clients\":");
            top(json, row.clients.top(top));
            json.append('}');
        }
        out.println(json.append("]}"));
    }

    /** The bucket of values past the cap says so with {@code "other":true}; its value is only a label. */
    private static void top(StringBuilder json, List<TopCounter.Entry> entries) {
        json.append('[');
        for (int i = 0; i < entries.size(); i++) {
            TopCounter.Entry entry = entries.get(i);
            json.append(i == 0 ? "{" : ",{").append("\"value\":");
            Printable.json(json, entry.other() ? "(other)" : entry.value());
            json.append(",\"count\":").append(entry.count());
            json.append(entry.other() ? ",\"other\":true}" : "}");
        }
        json.append(']');
    }
}
