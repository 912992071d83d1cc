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
        return (int) count(next.read(destination));
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        meter.throwIfCut();
        return count(next.read(destinations, offset, length));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        meter.throwIfCut();
        return count(next.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        meter.throwIfCut();
        return count(next.transferTo(count, throughBuffer, target));
    }

    private long count(long bytes) throws IOException {
        if (meter.add(bytes) == BodyMeter.Answer.REFUSE) {
            UndertowGate.refuse(exchange, meter.refusal());
        }
        meter.throwIfCut();
        return bytes;
    }
}
