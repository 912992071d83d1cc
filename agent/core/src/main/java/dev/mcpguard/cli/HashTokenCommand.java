package dev.mcpguard.cli;

import dev.mcpguard.core.AcceptedTokens;
import dev.mcpguard.net.BearerCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code hash-token}: a token on stdin (not an argument, which {@code ps} and shell history would
 * show) becomes the hex SHA-256 that {@code MCPGUARD_TOKEN_SHA256} accepts, so the token itself
 * need not be in the server's environment. The token is never echoed.
 */
final class HashTokenCommand {
    /** Far above any real token; keeps a mistaken pipe from being read whole. */
    private static final int MAX_INPUT = 64 * 1024;

    private HashTokenCommand() {
    }

    static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            err.println("mcpguard: hash-token reads the token from stdin, e.g. printf %s \"$TOKEN\" | java -jar "
                    + "mcpguard-agent.jar hash-token");
            return Main.USAGE;
        }
        byte[] input;
        try {
            input = in.readNBytes(MAX_INPUT + 1);
        } catch (IOException e) {
            err.println("mcpguard: cannot read stdin: " + e.getMessage());
            return Main.FAILED;
        }
        if (input.length > MAX_INPUT) {
            err.println("mcpguard: stdin holds more than " + MAX_INPUT + " bytes; expected one token");
            return Main.USAGE;
        }
        // Surrounding whitespace and one line end are trimmed, as in MCPGUARD_TOKEN_FILE.
        String token = new String(input, StandardCharsets.UTF_8).strip();
        if (token.isEmpty() || !BearerCredentials.isToken(token, 0, token.length())) {
            err.println("mcpguard: stdin does not hold one bearer token (RFC 6750 b64token: letters, digits, "
                    + "-._~+/ and trailing =); nothing printed");
            return Main.USAGE;
        }
        out.println(HexFormat.of().formatHex(AcceptedTokens.sha256(token)));
        return Main.OK;
    }
}
