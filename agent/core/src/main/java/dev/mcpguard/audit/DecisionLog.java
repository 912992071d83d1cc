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
        Line line = new Line(action);
        if (refusal != null) {
            line.field("mcpguard.gate", refusal.gate().id())
                    .field("mcpguard.reason", refusal.reason().id())
                    .optional("mcpguard.detail", request.detail())
                    .number("http.response.status_code", refusal.status());
        }
        line.field("http.request.method", request.method())
                .field("url.path", request.path())
                .field("client.address", request.client())
                .optional("user.name", principalName(request))
                .field("mcpguard.stack", request.stack());
        if (isHostRefusal(refusal)) {
            line.field("message", HOST_HINT);
        }
        line.print();
    }

    /**
     * An outbound connection: the destination, and the inbound request the connecting thread
     * serves when there is one (its principal and path only).
     */
    public void writeEgress(Action action, String deniedBy, String address, int port, Verdict inbound) {
        Line line = new Line(action).field("mcpguard.gate", GateName.EGRESS.id());
        if (deniedBy != null) {
            line.field("mcpguard.reason", Reason.DENIED_DESTINATION.id()).field("mcpguard.detail", deniedBy);
        }
        line.field("destination.address", address).number("destination.port", port);
        if (inbound != null) {
            line.optional("user.name", principalName(inbound)).optional("url.path", inbound.path());
        }
        line.print();
    }

    /** One line in the configured format: a JSON object, or {@code key=value} pairs. */
    private final class Line {
        private final StringBuilder text = new StringBuilder(256);

        Line(Action action) {
            if (json) {
                text.append("{\"@timestamp\":\"");
                timestamp(text, System.currentTimeMillis());
                text.append('"');
            } else {
                text.append("@timestamp=");
                timestamp(text, System.currentTimeMillis());
            }
            field("event.action", action.id());
        }

        /** {@code null} is written as JSON {@code null}, or {@code -}. */
        Line field(String name, String value) {
            if (json) {
                jsonField(text, name, value);
            } else {
                textField(text, name, value);
            }
            return this;
        }

        /** Left out when there is no value: fields that most lines lack. */
        Line optional(String name, String value) {
            return value == null ? this : field(name, value);
        }

        Line number(String name, long value) {
            if (json) {
                text.append(",\"").append(name).append("\":").append(value);
            } else {
                textField(text, name, Long.toString(value));
            }
            return this;
        }

        void print() {
            if (json) {
                text.append('}');
            }
            out.get().println(text);
        }
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
