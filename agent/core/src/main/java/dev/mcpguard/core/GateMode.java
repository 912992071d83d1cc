package dev.mcpguard.core;

import java.util.Locale;

/** How a gate acts on its decision; the decision itself is computed the same way in every mode. */
public enum GateMode {
    ENFORCE,
    LOG_ONLY,
    OFF;

    /** The knob spelling: {@code enforce}, {@code log-only}, {@code off}. */
    public String knobValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the mode for a knob value (case-insensitive), or {@code null} */
    public static GateMode fromKnobValue(String value) {
        for (GateMode mode : values()) {
            if (mode.knobValue().equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        return null;
    }
}
