package dev.mcpguard.netty;

import dev.mcpguard.core.BodyMeter;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/** Hands the readable bytes of a body buffer to its meter, without copying or moving its indexes. */
public final class BodyBytes {

    private BodyBytes() {
    }

    public static BodyMeter.Answer add(BodyMeter meter, ByteBuf content) {
        int from = content.readerIndex();
        int length = content.readableBytes();
        if (length == 0) {
            return BodyMeter.Answer.GO_ON;
        }
        if (content.hasArray()) {
            return meter.add(content.array(), content.arrayOffset() + from, length);
        }
        if (content.nioBufferCount() == 1) {
            ByteBuffer bytes = content.nioBuffer(from, length);
            return meter.add(bytes, bytes.position(), bytes.limit());
        }
        BodyMeter.Answer answer = BodyMeter.Answer.GO_ON;
        for (ByteBuffer bytes : content.nioBuffers(from, length)) {
            answer = meter.add(bytes, bytes.position(), bytes.limit());
            if (answer != BodyMeter.Answer.GO_ON) {
                break;
            }
        }
        return answer;
    }
}
