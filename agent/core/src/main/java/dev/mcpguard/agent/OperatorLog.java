package dev.mcpguard.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own logger for operators (banner, warnings, failures), on stderr. The bundled
 * slf4j-simple is relocated, so its settings below are the agent's alone and never touch the
 * application's logging; an operator may still override each by setting it first.
 */
public final class OperatorLog {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private OperatorLog() {
    }

    public static Logger logger() {
        setDefault("logFile", "System.err");
        setDefault("defaultLogLevel", "info");
        setDefault("showDateTime", "true");
        setDefault("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setDefault("showThreadName", "false");
        setDefault("showLogName", "true");
        setDefault("levelInBrackets", "false");
        return LoggerFactory.getLogger("mcpguard");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
