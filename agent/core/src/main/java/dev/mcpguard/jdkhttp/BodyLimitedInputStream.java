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

    BodyLimitedInputStream(InputStream body, HttpExchange exchange, BodyMeter meter) {
        super(body);
        this.exchange = exchange;
        this.meter = meter;
    }

    @Override
    public int read() throws IOException {
        meter.throwIfCut();
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        meter.throwIfCut();
        int n = super.read(buffer, offset, length);
        count(n);
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        meter.throwIfCut();
        long skipped = super.skip(n);
        count(skipped);
        return skipped;
    }

    private void count(long bytes) throws IOException {
        if (meter.add(bytes) == BodyMeter.Answer.REFUSE) {
            JdkHttpGate.refuse(exchange, meter.refusal());
        }
        meter.throwIfCut();
    }
}
