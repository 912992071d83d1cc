package dev.mcpguard.jdkhttp;

import com.sun.net.httpserver.HttpExchange;
import dev.mcpguard.core.BodyLimitExceeded;
import dev.mcpguard.core.Guard;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts a streamed body as the application reads it (after chunked decoding). Once it passes
 * the limit under enforcement, the client gets 413 if no response was sent yet, and every read
 * from then on fails: the application never sees a byte past the limit.
 */
final class BodyLimitedInputStream extends FilterInputStream {
    private final HttpExchange exchange;
    private final JdkHttpRequestView view;
    private final Guard guard;
    private long read;
    private boolean cut;

    BodyLimitedInputStream(InputStream body, HttpExchange exchange, JdkHttpRequestView view, Guard guard) {
        super(body);
        this.exchange = exchange;
        this.view = view;
        this.guard = guard;
    }

    @Override
    public int read() throws IOException {
        failIfCut();
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        failIfCut();
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        failIfCut();
        long skipped = super.skip(n);
        if (skipped > 0) {
            count(skipped);
        }
        return skipped;
    }

    private void count(long bytes) throws IOException {
        long before = read;
        read += bytes;
        if (guard.bodyRead(before, read, view, JdkHttpGate.STACK)) {
            cut = true;
            JdkHttpGate.refuse(exchange, guard.bodyTooLarge());
            throw new BodyLimitExceeded(guard.maxBodyBytes());
        }
    }

    private void failIfCut() throws IOException {
        if (cut) {
            throw new BodyLimitExceeded(guard.maxBodyBytes());
        }
    }
}
