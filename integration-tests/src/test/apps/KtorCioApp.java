import io.ktor.http.HttpStatusCode;
import io.ktor.server.application.ApplicationCallPipeline;
import io.ktor.server.cio.CIO;
import io.ktor.server.engine.EmbeddedServer;
import io.ktor.server.engine.EmbeddedServerKt;
import io.ktor.server.engine.EngineConnectorConfig;
import java.util.List;
import kotlin.Unit;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlinx.coroutines.BuildersKt;

/**
 * A Ktor server on its CIO engine (coroutines over NIO, no Netty), for UngatedListenersIT, run by the
 * java launcher from source on integration-tests/listener-apps' jars: every request answers 200; it prints
 * {@code LISTENING 127.0.0.1:<port>}, or {@code NOT STARTED <the exception that stopped it>} and exits 3.
 * Java calls Kotlin's API as compiled: a suspend function or lambda takes a Continuation last (the
 * interceptor passes its own on, so it answers as its tail call), and a lambda returning nothing returns Unit.
 */
public class KtorCioApp {
    public static void main(String[] args) throws Exception {
        EmbeddedServer<?, ?> server = EmbeddedServerKt.embeddedServer(CIO.INSTANCE, 0, "127.0.0.1", List.<String>of(),
                (application, module) -> {
                    application.intercept(ApplicationCallPipeline.ApplicationPhase.getCall(),
                            (context, subject, continuation) -> context.getContext()
                                    .respond(HttpStatusCode.Companion.getOK(), null, continuation));
                    return Unit.INSTANCE;
                });
        List<? extends EngineConnectorConfig> connectors;
        try {
            server.start(false);
            connectors = BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE,
                    (scope, continuation) -> server.getEngine().resolvedConnectors(continuation));
        } catch (Exception e) {
            Throwable cause = e; // the bind's exception, under the coroutines' cancellations
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            System.out.println("NOT STARTED " + cause);
            System.exit(3);
            return;
        }
        System.out.println("LISTENING 127.0.0.1:" + connectors.get(0).getPort());
        Thread.currentThread().join(); // CIO's threads are daemons
    }
}
