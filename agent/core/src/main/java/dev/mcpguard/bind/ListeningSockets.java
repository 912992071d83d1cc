package dev.mcpguard.bind;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets this process listens on, from Linux's {@code /proc}: an attach comes after the
 * binds, so the BIND gate can only say which listeners it would have narrowed. Read once, at
 * attach; never on a request.
 */
public final class ListeningSockets {
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** @return the listening addresses, or {@code null} where {@code /proc} cannot tell (not Linux) */
    public static List<InetSocketAddress> ofThisProcess() {
        Path self = Path.of("/proc/self");
        if (!Files.isDirectory(self.resolve("fd"))) {
            return null;
        }
        try {
            Set<String> inodes = socketInodes(self.resolve("fd"));
            List<InetSocketAddress> listening = new ArrayList<>();
            for (String table : List.of("net/tcp", "net/tcp6")) {
                Path file = self.resolve(table);
                if (Files.isReadable(file)) {
                    parse(Files.readAllLines(file), inodes, listening);
                }
            }
            return listening;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Set<String> socketInodes(Path fds) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fds)) {
            for (Path fd : entries) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // a descriptor closed while listing is not listening
                }
            }
        }
        return inodes;
    }

    /** Lines of /proc/net/tcp{,6}: {@code sl local_address rem_address st ... inode ...}. */
    static void parse(List<String> lines, Set<String> inodes, List<InetSocketAddress> out) throws UnknownHostException {
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 10 || !fields[3].equals(LISTEN) || !inodes.contains(fields[9])) {
                continue;
            }
            int colon = fields[1].indexOf(':');
            out.add(new InetSocketAddress(InetAddress.getByAddress(address(fields[1].substring(0, colon))),
                    Integer.parseInt(fields[1].substring(colon + 1), 16)));
        }
    }

    /** The kernel prints the address as 32-bit words in host (little-endian) byte order. */
    private static byte[] address(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                int at = (word + 3 - i) * 2;
                bytes[word + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return bytes;
    }
}
