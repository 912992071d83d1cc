package dev.mcpguard.undertow;

import dev.mcpguard.core.BodyMeter;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.ConduitFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Feeds a streamed body to its {@link BodyMeter} as the application reads it (after transfer
 * decoding and any decoding a handler adds, such as inflating: this conduit is the outermost).
 * Once the meter cuts, the client gets 413 if nothing was committed yet, and every read from then
 * on fails: the application never sees a byte past the limit.
 */
final class BodyLimitConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final HttpServerExchange exchange;
    private final BodyMeter meter;

    BodyLimitConduit(StreamSourceConduit next, HttpServerExchange exchange, BodyMeter meter) {
        super(next);
        this.exchange = exchange;
        this.meter = meter;
    }

    /** Puts the conduit around the request channel when Undertow makes it (a class, not a lambda: helpers spin no classes). */
    static final class Wrapper implements ConduitWrapper<StreamSourceConduit> {
        private final HttpServerExchange exchange;
        private final BodyMeter meter;

        Wrapper(HttpServerExchange exchange, BodyMeter meter) {
            this.exchange = exchange;
            this.meter = meter;
        }

        @Override
        public StreamSourceConduit wrap(ConduitFactory<StreamSourceConduit> factory, HttpServerExchange ignored) {
            return new BodyLimitConduit(factory.create(), exchange, meter);
        }
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        meter.throwIfCut();
        int from = destination.position();
        int n = next.read(destination);
        if (n > 0) {
            take(meter.add(destination, from, from + n));
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        meter.throwIfCut();
        int[] from = new int[length];
        for (int i = 0; i < length; i++) {
            from[i] = destinations[offset + i].position();
        }
        long n = next.read(destinations, offset, length);
        for (int i = 0; n > 0 && i < length; i++) {
            ByteBuffer destination = destinations[offset + i];
            take(meter.add(destination, from[i], destination.position()));
        }
        return n;
    }

    /** Through memory, not the kernel: the gates read every byte the application receives. */
    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 8192));
        int n = read(buffer);
        if (n <= 0) {
            return n;
        }
        buffer.flip();
        long written = 0;
        while (buffer.hasRemaining()) {
            written += target.write(buffer, position + written);
        }
        return written;
    }

    /** Through {@link #read(ByteBuffer)}, so the gates read what passes; XNIO's own loop, with its contract for the buffer. */
    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return org.xnio.conduits.Conduits.transfer(this, count, throughBuffer, target);
    }

    /** A cut body is never read again: see {@link #stopReading}. */
    @Override
    public void resumeReads() {
        if (meter.cut()) {
            stopReading();
            return;
        }
        super.resumeReads();
    }

    private void take(BodyMeter.Answer answer) throws IOException {
        if (answer == BodyMeter.Answer.REFUSE) {
            UndertowGate.refuse(exchange, meter.refusal());
            stopReading();
        }
        meter.throwIfCut();
    }

    /**
     * Stops the channel's read events once the body is cut. A read listener whose read fails
     * (Undertow's {@code AsyncReceiverImpl}) stays registered and is called again for as long as
     * the channel is readable: over HTTP/2, with the client's DATA frames still arriving, that
     * spun the I/O threads on a stream the refusal had answered.
     */
    private void stopReading() {
        try {
            next.suspendReads();
        } catch (RuntimeException alreadyClosed) {
            // nothing left to stop
        }
    }
}
