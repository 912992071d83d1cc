package dev.mcpguard.net;

import java.nio.charset.StandardCharsets;

/**
 * Text that a server decoded one char per raw byte (ISO-8859-1), as Netty and Coyote do with the
 * request line, read back as the UTF-8 the client sent.
 */
public final class ByteChars {

    private ByteChars() {
    }

    /**
     * The UTF-8 reading of {@code byteChars}: the same string, not copied, when it is all ASCII; an
     * invalid sequence becomes U+FFFD, which the PATH gate refuses.
     */
    public static String asUtf8(String byteChars) {
        for (int i = 0; i < byteChars.length(); i++) {
            if (byteChars.charAt(i) >= 0x80) {
                return new String(byteChars.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return byteChars;
    }
}
