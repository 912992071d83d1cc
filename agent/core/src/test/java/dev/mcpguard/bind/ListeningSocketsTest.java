package dev.mcpguard.bind;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListeningSocketsTest {

    /** Lines as Linux prints them: addresses in 32-bit little-endian words, state 0A is LISTEN. */
    @Test
    void parsesListeningSocketsOfThisProcessOnly() throws Exception {
        List<String> tcp = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0",
                "   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0",
                "   2: 0100007F:1F91 0100007F:DB4A 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0",
                "   3: 0200A8C0:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0");
        List<String> tcp6 = List.of(
                "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 00000000000000000000000000000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0",
                "   1: 00000000000000000000000001000000:1F93 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 666 1 0");
        List<InetSocketAddress> out = new ArrayList<>();

        ListeningSockets.parse(tcp, Set.of("111", "222", "333", "555", "666"), out);
        ListeningSockets.parse(tcp6, Set.of("111", "222", "333", "555", "666"), out);

        assertThat(out).containsExactly(
                new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080),
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 80),
                new InetSocketAddress(InetAddress.getByName("::"), 8082),
                new InetSocketAddress(InetAddress.getByName("::1"), 8083));
    }

    @Test
    void findsASocketThisProcessListensOn() throws Exception {
        List<InetSocketAddress> before = ListeningSockets.ofThisProcess();
        if (before == null) {
            return; // not Linux: nothing to read, which the attach report says
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ListeningSockets.ofThisProcess())
                    .contains(new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()));
        }
    }
}
