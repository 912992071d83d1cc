package dev.mcpguard.config;

/**
 * An invalid knob. The message is the single stderr line the JVM stops with, so it names the
 * knob, the value (redacted for secrets) and what is allowed, and nothing else.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Knob<?> knob;
    private final transient String value;
    private final transient String allowed;

    private ConfigException(Knob<?> knob, String name, String value, String allowed) {
        super("mcpguard: invalid " + name + "=" + (knob.secret() ? "<redacted>" : '"' + printable(value) + '"')
                + ": expected " + allowed, null, false, false);
        this.knob = knob;
        this.value = value;
        this.allowed = allowed;
    }

    static ConfigException invalid(Knob<?> knob, String value, String allowed) {
        return new ConfigException(knob, knob.envName(), value, allowed);
    }

    /** The same error naming the knob as the operator set it: variable or system property. */
    ConfigException namedAs(KnobSource source) {
        String name = source.origin(knob);
        return name.equals(knob.envName()) ? this : new ConfigException(knob, name, value, allowed);
    }

    /**
     * Keeps the error on one line whatever the value holds: C0 and C1 controls (NEL among them)
     * and the Unicode line and paragraph separators are escaped.
     */
    public static String printable(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
