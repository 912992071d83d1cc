package dev.mcpguard.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which principal owns each {@code Mcp-Session-Id}: the first authenticated principal to present
 * an id owns it, and another presenting it is refused, so that a stolen session id does not let
 * its thief ride the session (MCP security best practices: bind session ids to the user).
 *
 * <p>Bounded, and not by evicting live bindings, which would hand a victim's session to whoever
 * presents it next: a binding unseen for {@link #IDLE_NANOS} is forgotten (swept at most once a
 * second when the table is full); one principal binds at most {@link #PER_PRINCIPAL} ids, so no
 * single token can fill the table with made-up ids; when the table is full of live bindings a new
 * id is refused. Lock-free: a known id is one map read and, at most once a second, a write.
 */
final class SessionBindings {
    static final int CAPACITY = 100_000;
    static final int PER_PRINCIPAL = 1_000;
    /** Longer ids are refused: ids are server-made (a UUID is 36 characters) and the table keeps them. */
    static final int MAX_ID_LENGTH = 256;
    static final long IDLE_NANOS = 24L * 3600 * 1_000_000_000L;
    private static final long TOUCH_EVERY_NANOS = 1_000_000_000L;

    /** Why a binding was refused, for the decision line's {@code mcpguard.detail}. */
    static final String OTHER_PRINCIPAL = "bound_to_another_principal";
    static final String ID_TOO_LONG = "session_id_too_long";
    static final String PRINCIPAL_FULL = "too_many_sessions_for_principal";
    static final String TABLE_FULL = "session_table_full";

    private static final class Binding {
        final String principal;
        volatile long lastSeen;

        Binding(String principal, long lastSeen) {
            this.principal = principal;
            this.lastSeen = lastSeen;
        }
    }

    private final ConcurrentHashMap<String, Binding> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> countByPrincipal = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep;

    SessionBindings(long nowNanos) {
        nextSweep = new AtomicLong(nowNanos);
    }

    /** @return {@code null} when {@code principal} owns {@code id} (now or from before); else why not */
    String bind(String id, String principal, long nowNanos) {
        Binding binding = byId.get(id);
        if (binding == null) {
            if (id.length() > MAX_ID_LENGTH) {
                return ID_TOO_LONG;
            }
            String refused = admit(principal, nowNanos);
            if (refused != null) {
                return refused;
            }
            Binding fresh = new Binding(principal, nowNanos);
            binding = byId.putIfAbsent(id, fresh);
            if (binding == null) {
                return null;
            }
            release(principal); // another request bound the id first
        }
        if (!binding.principal.equals(principal)) {
            return OTHER_PRINCIPAL;
        }
        if (nowNanos - binding.lastSeen > TOUCH_EVERY_NANOS) {
            binding.lastSeen = nowNanos;
        }
        return null;
    }

    /** How many ids are bound (for tests and the memory measurement). */
    int size() {
        return byId.size();
    }

    /** {@code null} when {@code principal} may bind one more id, counted; else why not. */
    private String admit(String principal, long nowNanos) {
        if (byId.size() >= CAPACITY) {
            sweep(nowNanos);
            if (byId.size() >= CAPACITY) {
                return TABLE_FULL;
            }
        }
        if (reserve(principal)) {
            return null;
        }
        sweep(nowNanos);
        return reserve(principal) ? null : PRINCIPAL_FULL;
    }

    /** Counts one more id for {@code principal} unless it has {@link #PER_PRINCIPAL}; atomic per principal. */
    private boolean reserve(String principal) {
        boolean[] granted = new boolean[1];
        countByPrincipal.compute(principal, (name, count) -> {
            if (count == null) {
                count = new AtomicInteger();
            }
            if (count.get() < PER_PRINCIPAL) {
                count.incrementAndGet();
                granted[0] = true;
            }
            return count;
        });
        return granted[0];
    }

    /** Uncounts one id of {@code principal}; a principal with none left is forgotten. */
    private void release(String principal) {
        countByPrincipal.computeIfPresent(principal, (name, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    /** Forgets bindings unseen for {@link #IDLE_NANOS}; at most once a second, by one thread. */
    private void sweep(long nowNanos) {
        long due = nextSweep.get();
        if (nowNanos - due < 0 || !nextSweep.compareAndSet(due, nowNanos + TOUCH_EVERY_NANOS)) {
            return;
        }
        for (java.util.Map.Entry<String, Binding> entry : byId.entrySet()) {
            Binding binding = entry.getValue();
            if (nowNanos - binding.lastSeen > IDLE_NANOS && byId.remove(entry.getKey(), binding)) {
                release(binding.principal);
            }
        }
    }
}
