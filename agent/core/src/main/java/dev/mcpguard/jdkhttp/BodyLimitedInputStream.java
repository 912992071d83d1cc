package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import dev.mcpguard.core.BodyMeter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Feeds a streamed body to its {@link BodyMeter} as the application reads it (after chunked
 * decoding). Once the meter cuts, the client gets 413 if no response was sent yet, and every read
 * from then on fails: the application never sees a byte past the limit.
 */
final class BodyLimitedInputStream extends FilterInputStream {
    private final HttpExchange exchange;
    private final BodyMeter meter;
    private byte[] one;
    private byte[] skipped;

    BodyLimitedInputStream(InputStream body, HttpExchange exchange, BodyMeter meter) {
        super(body);
        this.exchange = exchange;
        this.meter = meter;
    }

    @Override
    public int read() throws IOException {
        if (one == null) {
            one = new byte[1];
        }
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        meter.throwIfCut();
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            take(buffer, offset, n);
        }
        return n;
    }

    /** Read, not skipped: the gates see every byte the application passes over, as it does. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        if (skipped == null) {
            skipped = new byte[8192];
        }
        int read = read(skipped, 0, (int) Math.min(n, skipped.length));
        return Math.max(read, 0);
    }

    private void take(byte[] buffer, int offset, int length) throws IOException {
        if (meter.add(buffer, offset, length) == BodyMeter.Answer.REFUSE) {
            JdkHttpGate.refuse(exchange, meter.refusal());
        }
        meter.throwIfCut();
    }
}
