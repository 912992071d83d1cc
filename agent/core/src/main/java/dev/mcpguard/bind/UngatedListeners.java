package dev.mcpguard.bind;

import dev.mcpguard.core.ActiveGuard;
import dev.mcpguard.core.Guard;
import java.net.BindException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.mcpguard.audit.OperatorLog;

/**
 * No listener in silence (design §6): every server socket the JVM binds is owned by a gated server
 * family or named in one ERROR line, and with {@code MCPGUARD_UNGATED_LISTENERS=refuse} it does not
 * listen. Decided at bind, from the code that made it: the first frame of the binding thread's stack
 * outside the JDK (and XNIO, Undertow's socket layer). A listener is owned only when that frame is a
 * gated family's server code and that family is instrumented in this JVM. Netty's bootstrap binds
 * for every server built on it, most of them on an event-loop thread that shows no caller, so a
 * Netty listener is judged by its connections instead ({@link #ungatedConnection}): one whose first
 * decoded message reaches a pipeline without a gate. Binds are rare; a stack walk each is cheap.
 * Lives on the bootstrap class path; names no server type.
 */
public final class UngatedListeners {

    /** Where a bind's code comes from: the installer knows the families and what was instrumented. */
    public interface Owners {
        /** @return the gated family whose server code this class is, or {@code null} */
        String family(Class<?> type);

        /** @return whether {@code family} is instrumented for the server code of {@code type} */
        boolean instrumented(String family, Class<?> type);
    }

    /** The family that judges its listeners per connection. */
    public static final String NETTY = "netty";

    /** Code a bind passes through on its way from the server to the socket: never the binder. */
    private static final List<String> TRANSPORT = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.", "org.xnio.");

    private static volatile Owners owners;
    private static volatile boolean refuse;
    private static volatile OperatorLog log;
    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static final Set<String> NETTY_LISTENERS_NAMED = ConcurrentHashMap.newKeySet();

    private UngatedListeners() {
    }

    /**
     * Set once, before the bind hooks are installed.
     *
     * @throws IllegalStateException when the owners are installed already
     */
    public static synchronized void install(Owners listenerOwners, boolean refuseUngated, OperatorLog operatorLog) {
        if (listenerOwners == null || operatorLog == null) {
            throw new NullPointerException("listener owners and operator log");
        }
        if (owners != null) {
            throw new IllegalStateException("mcpguard: the listener owners are installed already; they are installed once");
        }
        log = operatorLog;
        refuse = refuseUngated;
        owners = listenerOwners;
    }

    /** The ungated listeners seen so far, one sentence each, for the attach report. */
    public static List<String> seen() {
        return List.copyOf(SEEN);
    }

    /**
     * At a server socket's bind, after the BIND gate chose its address.
     *
     * @param address the address it will listen on, as the operator reads it
     * @return the exception the bind must throw (refuse), or {@code null} to let it listen
     */
    static BindException atBind(String address) {
        Owners known = owners;
        Guard guard = ActiveGuard.get();
        if (known == null || guard == null || !guard.gatesRequests()) {
            return null;
        }
        Optional<Class<?>> binder = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
                        .filter(type -> !agent(type) && (known.family(type) != null || !transport(type.getName())))
                        .findFirst());
        String family = binder.map(known::family).orElse(null);
        if (family != null && known.instrumented(family, binder.get())) {
            return null; // owned (a Netty listener is judged later, by its connections)
        }
        String who = binder.map(Class::getName).orElse("(JDK code only)");
        String why = family == null ? "mcpguard has no adapter for it"
                : "its server family (" + family + ") is not instrumented in this JVM";
        String sentence = "listener " + address + " bound by " + who + ": " + why;
        SEEN.add(sentence);
        if (refuse) {
            log.error("refused an ungated {}; its bind fails (MCPGUARD_UNGATED_LISTENERS=refuse)", sentence);
            return new BindException("mcpguard: ungated " + sentence + " (MCPGUARD_UNGATED_LISTENERS=refuse)");
        }
        warn(sentence);
        return null;
    }

    /**
     * A Netty connection whose first decoded message meets no gate: its listener serves a protocol,
     * or an HTTP codec, that the agent does not gate (Armeria's, say). Named once per listener.
     *
     * @param listener the listening address, as the operator reads it
     * @param decoder  the class that decoded the message
     * @return whether the connection must be closed (refuse)
     */
    public static boolean ungatedConnection(String listener, String decoder) {
        Guard guard = ActiveGuard.get();
        if (owners == null || guard == null || !guard.gatesRequests()) {
            return false;
        }
        if (NETTY_LISTENERS_NAMED.add(listener)) {
            String sentence = "netty listener " + listener + ": its connections are decoded by " + decoder
                    + ", which mcpguard does not gate";
            SEEN.add(sentence);
            if (refuse) {
                log.error("refused an ungated {}; its connections are closed (MCPGUARD_UNGATED_LISTENERS=refuse)", sentence);
            } else {
                warn(sentence);
            }
        }
        return refuse;
    }

    private static void warn(String sentence) {
        log.error("ungated {}: its requests are NOT gated; set MCPGUARD_UNGATED_LISTENERS=refuse to keep such "
                + "listeners from serving", sentence);
    }

    /** This class and the BIND gate, on the bootstrap class path. */
    private static boolean agent(Class<?> type) {
        return type.getClassLoader() == null && type.getName().startsWith("dev.mcpguard.");
    }

    private static boolean transport(String type) {
        for (String prefix : TRANSPORT) {
            if (type.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
