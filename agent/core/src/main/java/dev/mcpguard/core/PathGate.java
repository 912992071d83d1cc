package dev.mcpguard.core;

/** Refuses paths that cannot be normalized safely: servers would disagree on what they mean. */
final class PathGate implements Gate {

    @Override
    public GateName name() {
        return GateName.PATH;
    }

    @Override
    public Reason check(RequestView request, String path, Verdict verdict) {
        return path == null ? Reason.BAD_PATH : null;
    }
}
