package dev.mcpguard.core;

/**
 * The inbound request a thread is serving right now, so that what the application does on that
 * thread (an outbound connection from a tool call) can be told apart by caller. Adapters make a
 * request current for exactly the span in which the server runs the application for it, and put
 * back what was current before: a thread that served a request and then does other work must not
 * be taken for serving it still. Work the application hands to another thread (an executor, a
 * Reactor scheduler, an async HTTP client's own threads) has no current request.
 *
 * <p>Kept only while the EGRESS gate, its one reader, is on: otherwise the allow path pays nothing.
 */
public final class InboundRequests {
    private static final ThreadLocal<Verdict> CURRENT = new ThreadLocal<>();
    private static volatile boolean tracked;

    private InboundRequests() {
    }

    /** Called once, before the hooks are woven, when the EGRESS gate is on. */
    public static void track() {
        tracked = true;
    }

    public static boolean tracked() {
        return tracked;
    }

    /**
     * @param request the request the thread now serves, {@code null} for none
     * @return what was current before, for {@link #restore}
     */
    public static Verdict enter(Verdict request) {
        if (!tracked) {
            return null;
        }
        Verdict previous = CURRENT.get();
        CURRENT.set(request);
        return previous;
    }

    /** Puts back what {@link #enter} returned; {@code null}: the thread serves no request any more. */
    public static void restore(Verdict previous) {
        if (!tracked) {
            return;
        }
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    /** @return the request this thread serves, or {@code null} */
    public static Verdict current() {
        return tracked ? CURRENT.get() : null;
    }
}
