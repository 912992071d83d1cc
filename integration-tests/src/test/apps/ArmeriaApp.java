import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.Server;
import java.net.InetSocketAddress;

/**
 * An Armeria server, which decodes HTTP with its own codec on Netty (no HttpServerCodec), for
 * UngatedListenersIT, run by the java launcher from source on integration-tests/listener-apps' jars:
 * GET /health answers 200.
 */
public class ArmeriaApp {
    public static void main(String[] args) {
        Server server = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/health", (ctx, request) -> HttpResponse.of("ok"))
                .build();
        server.start().join();
        System.out.println("LISTENING 127.0.0.1:" + server.activeLocalPort());
    }
}
