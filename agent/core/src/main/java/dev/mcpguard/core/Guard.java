package dev.mcpguard.core;

import dev.mcpguard.net.PathNormalizer;
import java.util.Objects;

/**
 * Walks a request through the gates in contract order. An enforcing gate's refusal ends the
 * walk; a log-only gate's refusal is recorded as {@code would_block} and the walk goes on, so
 * both modes compute and log the same decisions.
 */
public final class Guard {
    private final Gate[] gates;
    private final GateMode[] modes;
    private final BodyGate bodyGate;
    /** Shared by the meters of counted bodies; {@code null} when the BODY gate is off. */
    private final BodyMeter.Limit bodyLimit;
    /** Shared by the meters of bodies the MCP gate reads; {@code null} when that gate is off. */
    private final BodyMeter.Inspection inspection;
    private final Refusals refusals;
    private final DecisionSink sink;
    private final boolean denyOnError;
    private final ResourceMetadata metadata;

    /** @param sink where every decision goes */
    public Guard(GuardSettings settings, DecisionSink sink) {
        this.refusals = new Refusals(settings.realm(), settings.resourceMetadataUrl(),
                settings.requiredScopes().toArray(new String[0]));
        this.bodyGate = new BodyGate(settings.maxBodyBytes());
        RateSettings rate = settings.rate();
        this.gates = new Gate[] {
            new PathGate(),
            new LoopbackGate(settings.loopbackPaths(), settings.prod(), settings.trustProdLoopback(),
                    settings.relayHeaders()),
            new OriginGate(settings.origins(), settings.hosts()),
            new AuthGate(settings.tokens(), settings.jwt(), settings.requiredScopes().toArray(new String[0]),
                    settings.publicPaths(), settings.clock()),
            new RateGate(rate.limit(), rate.burst(), rate.shared(), rate.onSharedError(), settings.nanoTime(),
                    refusals),
            new McpGate(settings.sessionBinding(),
                    settings.toolScopes() == null ? null : new ToolScopes(settings.toolScopes(), refusals),
                    settings.nanoTime(), refusals),
            bodyGate,
        };
        this.modes = new GateMode[gates.length];
        for (int i = 0; i < gates.length; i++) {
            modes[i] = settings.mode(gates[i].name());
        }
        this.metadata = settings.metadata();
        this.sink = Objects.requireNonNull(sink, "a decision sink is required");
        GateMode bodyMode = settings.mode(GateName.BODY);
        this.bodyLimit = bodyMode == GateMode.OFF ? null : new BodyMeter.Limit(bodyGate.maxBodyBytes(),
                bodyMode == GateMode.ENFORCE, refusals.of(Reason.BODY_TOO_LARGE), this.sink);
        GateMode mcpMode = settings.mode(GateName.MCP);
        this.inspection = mcpMode == GateMode.OFF ? null
                : new BodyMeter.Inspection(mcpMode == GateMode.ENFORCE, refusals.of(Reason.AMBIGUOUS_BODY),
                        settings.denyOnError() ? refusals.gateError(GateName.MCP) : null, this.sink);
        this.denyOnError = settings.denyOnError();
    }

    /** Whether any request gate is on (enforcing or log-only): else a listener it cannot read is no loss. */
    public boolean gatesRequests() {
        for (GateMode mode : modes) {
            if (mode != GateMode.OFF) {
                return true;
            }
        }
        return false;
    }

    /** Gates one request. Never throws for a gate's failure: that is {@code MCPGUARD_ON_ERROR}'s call. */
    public Verdict check(RequestView request, String stack) {
        String rawPath = request.rawPath();
        String normalized = PathNormalizer.normalize(rawPath);
        Verdict verdict = new Verdict(request, stack, request.method(),
                normalized != null ? normalized : withoutQuery(rawPath),
                metadata != null && metadata.serves(request.method(), rawPath));
        for (int i = 0; i < gates.length; i++) {
            GateMode mode = modes[i];
            if (mode == GateMode.OFF) {
                continue;
            }
            Refusal refusal = evaluate(gates[i], request, normalized, verdict);
            if (refusal == null) {
                continue;
            }
            if (mode == GateMode.ENFORCE) {
                verdict.refuse(refusal);
                sink.record(Action.BLOCKED, refusal, verdict);
                return verdict;
            }
            sink.record(Action.WOULD_BLOCK, refusal, verdict);
            verdict.detail(null);
        }
        if (verdict.servesDocument()) {
            // answered by the agent whatever the modes: the application has no such document
            verdict.refuse(metadata.document());
            sink.record(Action.ALLOWED, null, verdict);
            return verdict;
        }
        // A declared length is checked up front; an encoded body's length is not what the
        // application reads once the server decodes it, so it is counted as read, too.
        McpBodyCheck check = verdict.bodyCheck();
        boolean counted = bodyLimit != null
                && (request.headerCount("content-length") == 0 || request.headerCount("content-encoding") > 0);
        if (counted || check != null) {
            verdict.meterBody(new BodyMeter(bodyLimit, check == null ? null : inspection, check, verdict));
        }
        sink.record(Action.ALLOWED, null, verdict);
        return verdict;
    }

    /**
     * {@link #check} for adapters: a failure outside the gates (the server's request object
     * throwing, say) is reported and {@code MCPGUARD_ON_ERROR} applied too, so the verdict is
     * always usable. Never throws.
     */
    public Verdict checkOrFail(RequestView request, String stack) {
        try {
            return check(request, stack);
        } catch (Throwable error) {
            Verdict verdict = new Verdict(null, stack, null, null, false);
            Refusal refusal = adapterFailed(stack, error);
            if (refusal != null) {
                verdict.refuse(refusal);
            }
            return verdict;
        }
    }

    /**
     * For an adapter that failed before or around {@link #check}: the refusal to send under
     * {@code MCPGUARD_ON_ERROR=deny} ({@code data.gate} names the first gate, which could not
     * run), or {@code null} to let the request through. Either way the failure is reported, and
     * a refusal gets its decision line (with what little is known of the request).
     */
    public Refusal adapterFailed(String stack, Throwable error) {
        sink.internalError(stack + " adapter", error);
        if (!denyOnError) {
            return null;
        }
        Refusal refusal = refusals.gateError(GateName.PATH);
        sink.record(Action.BLOCKED, refusal, new Verdict(null, stack, null, null, false));
        return refusal;
    }

    /**
     * For a request of a server whose version the adapter does not link against: always the
     * refusal, whatever {@code MCPGUARD_ON_ERROR} says. That knob lets a request through when a
     * gate failed on it; a server the gates cannot read at all must not run unchecked.
     */
    public Refusal unfitServer(String stack) {
        Refusal refusal = refusals.gateError(GateName.PATH);
        sink.record(Action.BLOCKED, refusal, new Verdict(null, stack, null, null, false));
        return refusal;
    }

    /** A failure the adapter handled itself (it could not write a refusal, say): counted and reported. */
    public void internalError(String where, Throwable error) {
        sink.internalError(where, error);
    }

    private Refusal evaluate(Gate gate, RequestView request, String normalized, Verdict verdict) {
        try {
            Reason reason = gate.check(request, normalized, verdict);
            Refusal specific = verdict.takeSpecific();
            return reason == null ? null : specific != null ? specific : refusals.of(reason);
        } catch (Throwable e) {
            sink.internalError(gate.name().id() + " gate", e);
            return denyOnError ? refusals.gateError(gate.name()) : null;
        }
    }

    private static String withoutQuery(String rawPath) {
        return rawPath == null ? "" : rawPath.substring(0, PathNormalizer.endOfPath(rawPath));
    }
}
