package dev.mcpguard.core;

/**
 * Refuses a declared body over the limit before a byte of it is read, and framing that servers
 * and proxies could read differently (request smuggling). Streamed bodies are counted as the
 * application reads them, by a {@link BodyMeter}.
 */
final class BodyGate implements Gate {
    private final long maxBodyBytes;

    BodyGate(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public GateName name() {
        return GateName.BODY;
    }

    long maxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    public Reason check(RequestView request, String path, Verdict verdict) {
        String only = request.onlyHeader("content-length");
        if (only == null) {
            return null;
        }
        if (request.headerCount("transfer-encoding") > 0) {
            return Reason.BAD_CONTENT_LENGTH;
        }
        long declared = only != RequestView.SEVERAL ? parseLength(only) : sameLength(request);
        if (declared < 0) {
            return Reason.BAD_CONTENT_LENGTH;
        }
        return declared > maxBodyBytes ? Reason.BODY_TOO_LARGE : null;
    }

    /** The length several Content-Length fields all declare, -1 when they differ or one is malformed. */
    private static long sameLength(RequestView request) {
        long first = parseLength(request.header("content-length", 0));
        return first >= 0 && request.everyHeader("content-length", value -> parseLength(value) == first) ? first : -1;
    }

    /** 1*DIGIT, leading zeros allowed; -1 for anything else or more than a long holds. */
    static long parseLength(String value) {
        if (value == null) {
            return -1;
        }
        int from = 0;
        int to = value.length();
        while (from < to && isWhitespace(value.charAt(from))) {
            from++;
        }
        while (to > from && isWhitespace(value.charAt(to - 1))) {
            to--;
        }
        if (from == to) {
            return -1;
        }
        long length = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (length > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
