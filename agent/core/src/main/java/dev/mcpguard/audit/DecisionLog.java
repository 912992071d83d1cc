package dev.mcpguard.audit;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Reason;
import dev.mcpguard.core.Refusal;
import dev.mcpguard.core.Verdict;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/**
 * One line per decision, field names from the Elastic Common Schema / OpenTelemetry
 * conventions. Only the method, the normalized path, the peer address, the principal's name and
 * the decision are written: never a token, a header value, the query string or a body. Every value is escaped so
 * that a path holding CR/LF cannot forge a line.
 */
public final class DecisionLog {

    /** What an operator behind a same-host reverse proxy most likely needs to do. */
    static final String HOST_HINT =
            "Host not allowed; if a same-host reverse proxy sends its public name, add it to MCPGUARD_ALLOWED_HOSTS";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final boolean json;
    private final Supplier<PrintStream> out;

    /** @param out where lines go, looked up per line so that {@code System.setErr} is honoured */
    public DecisionLog(boolean json, Supplier<PrintStream> out) {
        this.json = json;
        this.out = out;
    }

    public void write(Action action, Refusal refusal, Verdict request) {
        StringBuilder line = new StringBuilder(256);
        if (json) {
            line.append('{');
            line.append("\"@timestamp\":\"");
            timestamp(line, System.currentTimeMillis());
            line.append('"');
            jsonField(line, "event.action", action.id());
            if (refusal != null) {
                jsonField(line, "mcpguard.gate", refusal.gate().id());
                jsonField(line, "mcpguard.reason", refusal.reason().id());
                jsonField(line, "mcpguard.detail", request.detail(), true);
                line.append(",\"http.response.status_code\":").append(refusal.status());
            }
            jsonField(line, "http.request.method", request.method());
            jsonField(line, "url.path", request.path());
            jsonField(line, "client.address", request.client());
            jsonField(line, "user.name", principalName(request), true);
            jsonField(line, "mcpguard.stack", request.stack());
            if (isHostRefusal(refusal)) {
                jsonField(line, "message", HOST_HINT);
            }
            line.append('}');
        } else {
            line.append("@timestamp=");
            timestamp(line, System.currentTimeMillis());
            textField(line, "event.action", action.id());
            if (refusal != null) {
                textField(line, "mcpguard.gate", refusal.gate().id());
                textField(line, "mcpguard.reason", refusal.reason().id());
                if (request.detail() != null) {
                    textField(line, "mcpguard.detail", request.detail());
                }
                textField(line, "http.response.status_code", Integer.toString(refusal.status()));
            }
            textField(line, "http.request.method", request.method());
            textField(line, "url.path", request.path());
            textField(line, "client.address", request.client());
            if (request.principal() != null) {
                textField(line, "user.name", request.principal().name());
            }
            textField(line, "mcpguard.stack", request.stack());
            if (isHostRefusal(refusal)) {
                textField(line, "message", HOST_HINT);
            }
        }
        out.get().println(line);
    }

    /**
     * An outbound connection: the destination, and the inbound request the connecting thread
     * serves when there is one (its principal and path only).
     */
    public void writeEgress(Action action, String deniedBy, String address, int port, Verdict inbound) {
        StringBuilder line = new StringBuilder(256);
        String user = inbound == null ? null : principalName(inbound);
        String path = inbound == null ? null : inbound.path();
        if (json) {
            line.append('{');
            line.append("\"@timestamp\":\"");
            timestamp(line, System.currentTimeMillis());
            line.append('"');
            jsonField(line, "event.action", action.id());
            jsonField(line, "mcpguard.gate", GateName.EGRESS.id());
            if (deniedBy != null) {
                jsonField(line, "mcpguard.reason", Reason.DENIED_DESTINATION.id());
                jsonField(line, "mcpguard.detail", deniedBy);
            }
            jsonField(line, "destination.address", address);
            line.append(",\"destination.port\":").append(port);
            jsonField(line, "user.name", user, true);
            jsonField(line, "url.path", path, true);
            line.append('}');
        } else {
            line.append("@timestamp=");
            timestamp(line, System.currentTimeMillis());
            textField(line, "event.action", action.id());
            textField(line, "mcpguard.gate", GateName.EGRESS.id());
            if (deniedBy != null) {
                textField(line, "mcpguard.reason", Reason.DENIED_DESTINATION.id());
                textField(line, "mcpguard.detail", deniedBy);
            }
            textField(line, "destination.address", address);
            textField(line, "destination.port", Integer.toString(port));
            if (user != null) {
                textField(line, "user.name", user);
            }
            if (path != null) {
                textField(line, "url.path", path);
            }
        }
        out.get().println(line);
    }

    /**
     * {@code 2026-11-22T01:02:03.456Z}: milliseconds always present, as ECS readers expect
     * ({@code Instant.toString()} drops zero fractions). Written by hand: a DateTimeFormatter
     * drags the locale machinery into the JVM's start and costs more per line.
     */
    static void timestamp(StringBuilder out, long epochMillis) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
        out.append(time.getYear()).append('-');
        twoDigits(out, time.getMonthValue()).append('-');
        twoDigits(out, time.getDayOfMonth()).append('T');
        twoDigits(out, time.getHour()).append(':');
        twoDigits(out, time.getMinute()).append(':');
        twoDigits(out, time.getSecond()).append('.');
        int millis = (int) Math.floorMod(epochMillis, 1000);
        out.append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10)).append((char) ('0' + millis % 10)).append('Z');
    }

    private static StringBuilder twoDigits(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static boolean isHostRefusal(Refusal refusal) {
        return refusal != null && refusal.reason() == Reason.HOST_NOT_ALLOWED;
    }

    private static String principalName(Verdict request) {
        return request.principal() == null ? null : request.principal().name();
    }

    /** @param omitNull leave the field out when there is no value (fields that most lines lack) */
    private static void jsonField(StringBuilder line, String name, String value, boolean omitNull) {
        if (value != null || !omitNull) {
            jsonField(line, name, value);
        }
    }

    private static void jsonField(StringBuilder line, String name, String value) {
        line.append(',').append('"').append(name).append("\":");
        if (value == null) {
            line.append("null");
            return;
        }
        line.append('"');
        escape(line, value);
        line.append('"');
    }

    /** {@code key=value}; values with spaces, quotes or escapes are quoted JSON-style. */
    private static void textField(StringBuilder line, String name, String value) {
        if (line.length() > 0) {
            line.append(' ');
        }
        line.append(name).append('=');
        if (value == null) {
            line.append('-');
            return;
        }
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=';
        }
        if (plain) {
            line.append(value);
        } else {
            line.append('"');
            escape(line, value);
            line.append('"');
        }
    }

    static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    // C1 controls too: U+0085 (NEL) is a line break to many log readers, as are U+2028/9
                    if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029') {
                        // by hand: a path may hold a megabyte of them, and String.format costs a microsecond each
                        out.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
            }
        }
    }
}
