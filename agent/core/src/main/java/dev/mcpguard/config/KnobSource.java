package dev.mcpguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/** Knob values from the environment and system properties; the system property wins. */
public final class KnobSource {
    private static final String ENV_PREFIX = "MCPGUARD_";
    private static final String PROPERTY_PREFIX = "mcpguard.";

    private final Map<String, String> env;
    private final Properties properties;

    public KnobSource(Map<String, String> env, Properties properties) {
        this.env = env;
        this.properties = properties;
    }

    public static KnobSource ofProcess() {
        return new KnobSource(System.getenv(), System.getProperties());
    }

    /** The value, or {@code null} when the knob is set nowhere. */
    public String get(Knob<?> knob) {
        String property = properties.getProperty(knob.propertyName());
        return property != null ? property : env.get(knob.envName());
    }

    /** Where the value comes from, for the banner. */
    public String origin(Knob<?> knob) {
        return properties.getProperty(knob.propertyName()) != null ? knob.propertyName() : knob.envName();
    }

    /** Whether no {@code MCPGUARD_*} variable and no {@code mcpguard.*} property is set: every knob at its default. */
    public boolean setsNothing() {
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX)) {
                return false;
            }
        }
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                return false;
            }
        }
        return true;
    }

    /** {@code MCPGUARD_*} variables and {@code mcpguard.*} properties that name no knob; never their values. */
    public List<String> unknownNames() {
        TreeSet<String> unknown = new TreeSet<>();
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX) && !isKnown(name, true)) {
                unknown.add(name);
            }
        }
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX) && !isKnown(name, false)) {
                unknown.add(name);
            }
        }
        return new ArrayList<>(unknown);
    }

    private static boolean isKnown(String name, boolean envName) {
        for (Knob<?> knob : Knob.all()) {
            if (name.equals(envName ? knob.envName() : knob.propertyName())) {
                return true;
            }
        }
        return false;
    }
}
