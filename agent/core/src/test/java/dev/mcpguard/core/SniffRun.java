package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One body through a {@link JsonRpcSniffer}: what {@code end()} answered and the messages handed
 * over. {@link #every} feeds it every way a server could hand it over and asserts they agree.
 */
record SniffRun(int result, List<Message> messages) {

    static final int EVERY_CUT = 2048;

    record Message(String method, String name) {
    }

    /** Records the messages; refuses the one at {@code refuseAt} (1-based; 0: none). */
    static final class Recorder implements JsonRpcSniffer.Messages {
        final List<Message> seen = new ArrayList<>();
        private final int refuseAt;

        Recorder(int refuseAt) {
            this.refuseAt = refuseAt;
        }

        @Override
        public boolean message(String method, String name) {
            seen.add(new Message(method, name));
            return seen.size() != refuseAt;
        }
    }

    static SniffRun whole(byte[] body, int refuseAt) {
        return split(body, refuseAt);
    }

    /** Fed in pieces ending at each of {@code cuts} (ascending), then the rest. */
    static SniffRun split(byte[] body, int refuseAt, int... cuts) {
        Recorder recorder = new Recorder(refuseAt);
        JsonRpcSniffer sniffer = new JsonRpcSniffer(recorder);
        int from = 0;
        for (int cut : cuts) {
            sniffer.feed(body, from, cut - from);
            from = cut;
        }
        sniffer.feed(body, from, body.length - from);
        return new SniffRun(sniffer.end(), recorder.seen);
    }

    static SniffRun bytewise(byte[] body, int refuseAt) {
        Recorder recorder = new Recorder(refuseAt);
        JsonRpcSniffer sniffer = new JsonRpcSniffer(recorder);
        for (int i = 0; i < body.length; i++) {
            sniffer.feed(body, i, 1);
        }
        return new SniffRun(sniffer.end(), recorder.seen);
    }

    /** Through {@link JsonRpcSniffer#feed(ByteBuffer)} in chunks, checking the position never moves. */
    static SniffRun buffers(byte[] body, int refuseAt, int chunk, boolean direct, boolean readOnly) {
        Recorder recorder = new Recorder(refuseAt);
        JsonRpcSniffer sniffer = new JsonRpcSniffer(recorder);
        // the body sits between other bytes, as in a server's read buffer
        ByteBuffer all = direct ? ByteBuffer.allocateDirect(body.length + 6) : ByteBuffer.allocate(body.length + 6);
        all.put(new byte[] {'[', '"', '\\'}).put(body).put(new byte[] {'}', '"', ']'});
        for (int from = 0; from < body.length; from += chunk) {
            ByteBuffer fed = all.duplicate();
            fed.limit(3 + Math.min(body.length, from + chunk)).position(3 + from);
            if (readOnly) {
                fed = fed.asReadOnlyBuffer();
            }
            if (!direct) {
                fed = fed.slice(); // arrayOffset() != 0
            }
            int position = fed.position();
            sniffer.feed(fed);
            assertThat(fed.position()).isEqualTo(position);
        }
        return new SniffRun(sniffer.end(), recorder.seen);
    }

    static SniffRun every(byte[] body) {
        return every(body, 0);
    }

    /**
     * Whole, byte by byte, split in two at every boundary, in three at a sample of pairs, and
     * through heap, read-only and direct buffers: the same answer and messages every time.
     */
    static SniffRun every(byte[] body, int refuseAt) {
        SniffRun expected = whole(body, refuseAt);
        String what = "body " + SniffRun.show(body);
        assertThat(bytewise(body, refuseAt)).as("byte by byte: " + what).isEqualTo(expected);
        // every boundary of a body up to EVERY_CUT bytes; a longer one (deep nests, the longest
        // names) at as many boundaries, spread over it and shifted at random within each stride
        Random random = new Random(body.length);
        int stride = Math.max(1, body.length / EVERY_CUT);
        for (int cut = 0; cut <= body.length; cut += stride) {
            int at = Math.min(body.length, cut + (stride == 1 ? 0 : random.nextInt(stride)));
            assertThat(split(body, refuseAt, at)).as("split at " + at + ": " + what).isEqualTo(expected);
        }
        for (int i = 0; i < Math.min(200, body.length * body.length); i++) {
            int a = random.nextInt(body.length + 1);
            int b = random.nextInt(body.length + 1);
            assertThat(split(body, refuseAt, Math.min(a, b), Math.max(a, b)))
                    .as("split at " + Math.min(a, b) + " and " + Math.max(a, b) + ": " + what).isEqualTo(expected);
        }
        for (int chunk : new int[] {1, 3, 7, Math.max(1, body.length)}) {
            assertThat(buffers(body, refuseAt, chunk, false, false)).as("heap, chunk " + chunk + ": " + what)
                    .isEqualTo(expected);
            assertThat(buffers(body, refuseAt, chunk, false, true)).as("read-only, chunk " + chunk + ": " + what)
                    .isEqualTo(expected);
            assertThat(buffers(body, refuseAt, chunk, true, false)).as("direct, chunk " + chunk + ": " + what)
                    .isEqualTo(expected);
        }
        return expected;
    }

    static String show(byte[] body) {
        StringBuilder out = new StringBuilder();
        for (byte b : body) {
            int c = b & 0xFF;
            if (c >= 0x20 && c < 0x7F) {
                out.append((char) c);
            } else {
                out.append(String.format("<%02X>", c));
            }
            if (out.length() > 300) {
                return out.append("...").toString();
            }
        }
        return out.toString();
    }
}
