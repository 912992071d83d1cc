package dev.mcpguard.audit;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Reason;
import java.util.concurrent.atomic.LongAdder;

/** Decision and failure counts, contention-free on the request path. */
public final class Counters {
    private static final int GATES = GateName.values().length;
    private static final int REASONS = Reason.values().length;

    private final LongAdder allowed = new LongAdder();
    private final LongAdder[] blocked = adders(GATES * REASONS);
    private final LongAdder[] wouldBlock = adders(GATES * REASONS);
    private final LongAdder internalErrors = new LongAdder();
    private final PrincipalCounters principals = new PrincipalCounters();

    void increment(Action action, GateName gate, Reason reason) {
        switch (action) {
            case ALLOWED:
                allowed.increment();
                break;
            case BLOCKED:
                blocked[index(gate, reason)].increment();
                break;
            case WOULD_BLOCK:
                wouldBlock[index(gate, reason)].increment();
                break;
            default:
                throw new AssertionError(action);
        }
    }

    /** A decision about an authenticated request: allowed or blocked ({@code would_block} lines are not counted here). */
    void countPrincipal(String principal, boolean allowed) {
        principals.count(principal, allowed);
    }

    PrincipalCounters principals() {
        return principals;
    }

    void countInternalError() {
        internalErrors.increment();
    }

    public long allowed() {
        return allowed.sum();
    }

    /** @param gate and {@code reason} are ignored for {@link Action#ALLOWED} */
    public long count(Action action, GateName gate, Reason reason) {
        switch (action) {
            case ALLOWED:
                return allowed.sum();
            case BLOCKED:
                return blocked[index(gate, reason)].sum();
            default:
                return wouldBlock[index(gate, reason)].sum();
        }
    }

    /** Every refusal of a request of this action, whatever gate and reason (EGRESS refuses connections, not requests). */
    public long total(Action action) {
        if (action == Action.ALLOWED) {
            return allowed.sum();
        }
        LongAdder[] adders = action == Action.BLOCKED ? blocked : wouldBlock;
        long total = 0;
        for (int i = 0; i < adders.length; i++) {
            if (i / REASONS != GateName.EGRESS.ordinal()) {
                total += adders[i].sum();
            }
        }
        return total;
    }

    public long internalErrors() {
        return internalErrors.sum();
    }

    private static int index(GateName gate, Reason reason) {
        return gate.ordinal() * REASONS + reason.ordinal();
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
