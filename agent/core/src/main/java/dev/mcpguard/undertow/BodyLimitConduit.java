package dev.mcpguard.undertow;

import dev.mcpguard.core.BodyLimitExceeded;
import dev.mcpguard.core.Guard;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Counts a streamed body as the application reads it (after transfer decoding and any decoding
 * a handler adds, such as inflating: this conduit is the outermost). Once it passes
 * the limit under enforcement, the client gets 413 if nothing was committed yet, and every read
 * from then on fails: the application never sees a byte past the limit.
 */
final class BodyLimitConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final HttpServerExchange exchange;
    private final UndertowRequestView view;
    private final Guard guard;
    private long read;
    private boolean cut;

    BodyLimitConduit(StreamSourceConduit next, HttpServerExchange exchange, UndertowRequestView view, Guard guard) {
        super(next);
        this.exchange = exchange;
        this.view = view;
        this.guard = guard;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        failIfCut();
        return (int) count(next.read(destination));
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        failIfCut();
        return count(next.read(destinations, offset, length));
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        failIfCut();
        return count(next.transferTo(position, count, target));
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        failIfCut();
        return count(next.transferTo(count, throughBuffer, target));
    }

    private long count(long bytes) throws IOException {
        if (bytes <= 0) {
            return bytes;
        }
        long before = read;
        read += bytes;
        if (guard.bodyRead(before, read, view, UndertowGate.STACK)) {
            cut = true;
            UndertowGate.refuse(exchange, guard.bodyTooLarge());
            throw new BodyLimitExceeded(guard.maxBodyBytes());
        }
        return bytes;
    }

    private void failIfCut() throws IOException {
        if (cut) {
            throw new BodyLimitExceeded(guard.maxBodyBytes());
        }
    }
}
