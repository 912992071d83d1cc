package dev.mcpguard.testing;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.Guard;
import java.lang.reflect.Field;

/**
 * The agent's bootstrap state (the active guard, the BIND gate's policy) is set once per JVM; tests
 * that run several in one JVM swap it by reflection, which the agent itself never does.
 */
public final class StaticState {

    private StaticState() {
    }

    /** Sets a private static field and returns what it held, to be swapped back after the test. */
    public static Object swap(Class<?> owner, String field, Object value) {
        try {
            Field declared = owner.getDeclaredField(field);
            declared.setAccessible(true);
            Object before = declared.get(null);
            declared.set(null, value);
            return before;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot swap " + owner.getName() + "." + field, e);
        }
    }

    /** Makes {@code next} (or no guard) the active guard and returns the one before. */
    public static Guard swapGuard(Guard next) {
        return (Guard) swap(ActiveGuard.class, "guard", next);
    }
}
