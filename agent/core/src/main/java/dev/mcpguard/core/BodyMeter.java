package dev.mcpguard.core;

/**
 * What the application reads of a request body, seen read by read: the BODY gate for a body whose
 * length could not be checked up front, and the MCP gate's reading of a JSON-RPC body. An adapter
 * only hands it each read's bytes and cuts the stream when told; it holds no policy.
 *
 * <p>BODY: {@link #add} counts the body as the server reads it for the application (after
 * transfer decoding); {@link #addInflated} counts it as a server-side decompressor hands it on,
 * where the adapter can see one (a small compressed body may inflate far past the limit). Either
 * count passing the limit is the request's one BODY decision.
 *
 * <p>MCP: the bytes of each {@link #add} also go through a {@link JsonRpcSniffer}, which reads
 * them as the application's JSON parser will, without keeping them; a message the MCP gate
 * refuses (a tool the principal may not call, a header the body contradicts, JSON that can be
 * read two ways) cuts the body before the read that completes it reaches the application.
 * The MCP gate refuses an encoded body before it is read, so inflated bytes are never sniffed.
 *
 * <p>Each decision is logged once, against the request's own {@link Verdict}; the first refusal
 * cuts every later read too. Not thread-safe, and needs not be: a meter belongs to one request,
 * whose reads the server makes one after another, handing the request between threads with the
 * happens-before it needs for its own per-request state. Nothing is allocated per read.
 */
public final class BodyMeter {

    /** What an adapter does with a read it fed to {@link #add} or {@link #addInflated}. */
    public enum Answer {
        /** Hand the bytes on. */
        GO_ON,
        /**
         * A gate refused the body just now, under enforcement: drop the bytes, fail the read with
         * {@link #exceeded()}, and answer with {@link #refusal()} unless a response is committed.
         * Given once per request.
         */
        REFUSE,
        /** Refused already: drop the bytes and fail the read, answering nothing more. */
        CUT
    }

    /** What every meter of one {@link Guard} shares for the BODY gate. */
    record Limit(long maxBytes, boolean enforce, Refusal refusal, DecisionSink sink) {
    }

    /**
     * What every meter of one {@link Guard} shares for the MCP gate's reading of the body.
     *
     * @param failed the refusal when reading fails internally under {@code MCPGUARD_ON_ERROR=deny},
     *               {@code null} under {@code allow} (the body is then read on unjudged)
     */
    record Inspection(boolean enforce, Refusal ambiguous, Refusal failed, DecisionSink sink) {
    }

    /** Not a sniffer state: reading the body failed and {@code MCPGUARD_ON_ERROR=deny}. */
    private static final int FAILED = -1;

    private final Limit limit;
    private final Inspection inspection;
    private final Verdict verdict;
    private McpBodyCheck check;
    private JsonRpcSniffer sniffer;
    private long read;
    private long inflated;
    private boolean passed;
    /** The refusal that cut the body, once one did under enforcement. */
    private Refusal cutBy;

    /**
     * @param limit      the BODY gate's, {@code null} when the body is not counted
     * @param inspection the MCP gate's, {@code null} when the body is not read for it (then so is {@code check})
     */
    BodyMeter(Limit limit, Inspection inspection, McpBodyCheck check, Verdict verdict) {
        this.limit = limit;
        this.inspection = inspection;
        this.check = check;
        this.sniffer = check == null ? null : new JsonRpcSniffer(check);
        this.verdict = verdict;
    }

    /**
     * Takes the bytes of one read the server made for the application.
     *
     * @param bytes holds the read at {@code [offset, offset + length)}; not kept
     */
    public Answer add(byte[] bytes, int offset, int length) {
        if (cutBy != null) {
            return Answer.CUT;
        }
        if (length <= 0) {
            return Answer.GO_ON;
        }
        if (sniffer != null) {
            int state;
            try {
                state = sniffer.feed(bytes, offset, length);
            } catch (Throwable error) {
                state = failed(error);
            }
            if (afterSniff(state)) {
                return Answer.REFUSE;
            }
        }
        return countRead(length);
    }

    /**
     * {@link #add(byte[], int, int)} for a read into a buffer.
     *
     * @param buffer holds the read at {@code [from, to)}; read with absolute gets, its position and limit untouched
     */
    public Answer add(java.nio.ByteBuffer buffer, int from, int to) {
        if (cutBy != null) {
            return Answer.CUT;
        }
        if (to <= from) {
            return Answer.GO_ON;
        }
        if (sniffer != null) {
            int state;
            try {
                state = sniffer.feed(buffer, from, to);
            } catch (Throwable error) {
                state = failed(error);
            }
            if (afterSniff(state)) {
                return Answer.REFUSE;
            }
        }
        return countRead(to - from);
    }

    /**
     * Counts body bytes a server-side decompressor handed the application.
     *
     * @param bytes the inflated bytes of one read; zero or less counts nothing
     */
    public Answer addInflated(long bytes) {
        if (cutBy != null) {
            return Answer.CUT;
        }
        if (limit == null) {
            return Answer.GO_ON;
        }
        inflated = plus(inflated, bytes);
        return after(inflated);
    }

    /** Whether reads are cut: a gate refused the body under enforcement. */
    public boolean cut() {
        return cutBy != null;
    }

    /** The response for a cut body while the application has not committed one. */
    public Refusal refusal() {
        return cutBy;
    }

    /** What a cut read throws: an {@link java.io.IOException}, as a client gone away would give. */
    public BodyLimitExceeded exceeded() {
        return cutBy == null || cutBy.gate() == GateName.BODY ? new BodyLimitExceeded(limit.maxBytes())
                : new BodyLimitExceeded("request body refused by the mcpguard MCP gate: " + cutBy.reason().id());
    }

    /** For a read that may throw: throws {@link #exceeded()} once reads are {@link #cut()}. */
    public void throwIfCut() throws BodyLimitExceeded {
        if (cut()) {
            throw exceeded();
        }
    }

    /** The BODY gate's half of {@link #add}: counts {@code bytes} read (tests count past what they could allocate). */
    Answer countRead(long bytes) {
        if (cutBy != null) {
            return Answer.CUT;
        }
        if (limit == null) {
            return Answer.GO_ON;
        }
        read = plus(read, bytes);
        return after(read);
    }

    /** {@code count + bytes}, at most {@link Long#MAX_VALUE}: a count never wraps around to look small. */
    private static long plus(long count, long bytes) {
        if (bytes <= 0) {
            return count;
        }
        return bytes > Long.MAX_VALUE - count ? Long.MAX_VALUE : count + bytes;
    }

    private Answer after(long count) {
        if (passed || count <= limit.maxBytes()) {
            return Answer.GO_ON;
        }
        passed = true;
        return decided(limit.refusal(), limit.enforce(), limit.sink()) ? Answer.REFUSE : Answer.GO_ON;
    }

    /** Reading the body failed inside the agent: reported, and {@code MCPGUARD_ON_ERROR} decides. */
    private int failed(Throwable error) {
        inspection.sink().internalError("mcp gate (body)", error);
        if (inspection.failed() == null) {
            sniffer = null;
            check = null;
            return JsonRpcSniffer.MORE;
        }
        return FAILED;
    }

    /** @return whether the sniffer's state cuts the body now */
    private boolean afterSniff(int state) {
        Refusal refusal;
        if (state == FAILED) {
            refusal = inspection.failed();
        } else if (state == JsonRpcSniffer.REFUSED) {
            refusal = check.refusal();
            verdict.detail(check.detail());
        } else if (state == JsonRpcSniffer.MALFORMED) {
            refusal = inspection.ambiguous();
            verdict.detail("malformed_json");
        } else if (state == JsonRpcSniffer.NOT_JSON && check.mustBeJson()) {
            refusal = inspection.ambiguous();
            verdict.detail("not_json");
        } else {
            if (state == JsonRpcSniffer.NOT_JSON) {
                sniffer = null; // an upload, a form: not JSON-RPC, nothing more to read for
            }
            return false;
        }
        sniffer = null;
        check = null;
        boolean cuts = decided(refusal, inspection.enforce(), inspection.sink());
        verdict.detail(null);
        return cuts;
    }

    /** Logs a refusal of the body once; under enforcement it cuts every read from now on. */
    private boolean decided(Refusal refusal, boolean enforce, DecisionSink sink) {
        sink.record(enforce ? Action.BLOCKED : Action.WOULD_BLOCK, refusal, verdict);
        if (enforce) {
            cutBy = refusal;
        }
        return enforce;
    }
}
