package dev.mcpguard.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Ownership;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.implementation.StubMethod;
import org.junit.jupiter.api.Test;

/**
 * The muzzle against "server" versions made here, each differing from the one the helper was
 * compiled against in one way that would fail at run time: each is found, named, and a server
 * that matches links.
 */
class MuzzleTest {
    private static final String API = "muzzle.server.Api";
    private static final String ENTRY = "muzzle.server.Entry";
    private static final String LISTENER = "muzzle.server.Listener";

    private final Muzzle muzzle;

    MuzzleTest() throws Exception {
        muzzle = Muzzle.of(ClassFileLocator.ForClassLoader.of(MuzzleTest.class.getClassLoader()),
                List.of(MuzzleTestHelper.class.getName(), MuzzleTestHelper.Listening.class.getName()));
    }

    /** The server's version: what it changes from the compiled one. */
    private static final class Server {
        boolean apiIsInterface = true;
        boolean createIsStatic = true;
        boolean hasName = true;
        boolean hasCount = true;
        boolean listenerGrows;
        boolean hasEntry = true;

        ClassLoader load() {
            Map<String, byte[]> types = new HashMap<>();
            ByteBuddy byteBuddy = new ByteBuddy();
            DynamicType.Builder<?> api = apiIsInterface
                    ? byteBuddy.makeInterface().name(API).defineMethod("path", String.class, Visibility.PUBLIC).withoutCode()
                    : byteBuddy.subclass(Object.class).name(API).defineMethod("path", String.class, Visibility.PUBLIC)
                            .intercept(FixedValue.value("/"));
            types.put(API, api.make().getBytes());
            if (hasEntry) {
                DynamicType.Builder<?> entry = byteBuddy.subclass(Object.class, ConstructorStrategy.Default.IMITATE_SUPER_CLASS)
                        .name(ENTRY)
                        .defineMethod("create", net.bytebuddy.dynamic.TargetType.class, Visibility.PUBLIC,
                                createIsStatic ? Ownership.STATIC : Ownership.MEMBER)
                        .intercept(FixedValue.nullValue());
                if (hasName) {
                    entry = entry.defineMethod("name", String.class, Visibility.PUBLIC).intercept(FixedValue.value("e"));
                }
                if (hasCount) {
                    entry = entry.defineField("count", int.class, Visibility.PUBLIC);
                }
                types.put(ENTRY, entry.make().getBytes());
            }
            DynamicType.Builder<?> listener = byteBuddy.makeInterface().name(LISTENER)
                    .defineMethod("on", void.class, Visibility.PUBLIC).withParameters(String.class).withoutCode();
            if (listenerGrows) {
                listener = listener.defineMethod("off", void.class, Visibility.PUBLIC).withoutCode();
            }
            types.put(LISTENER, listener.make().getBytes());
            // Its own loader, whose parent does not see the compiled "server": only the bytes made here.
            return new ByteArrayClassLoader(ClassLoader.getPlatformClassLoader(), types,
                    ByteArrayClassLoader.PersistenceHandler.MANIFEST);
        }
    }

    @Test
    void theVersionTheHelperWasCompiledAgainstLinks() {
        assertThat(muzzle.firstMissing(new Server().load())).isNull();
        assertThat(muzzle.firstMissing(MuzzleTest.class.getClassLoader())).isNull();
    }

    @Test
    void aClassWhereTheCallSiteExpectsAnInterface() {
        Server server = new Server();
        server.apiIsInterface = false;
        assertThat(muzzle.firstMissing(server.load()))
                .isEqualTo("muzzle.server.Api is a class, an interface was expected (needed by MuzzleTestHelper)");
    }

    @Test
    void aStaticMethodThatIsNotStaticAnyMore() {
        Server server = new Server();
        server.createIsStatic = false;
        assertThat(muzzle.firstMissing(server.load()))
                .isEqualTo("method muzzle.server.Entry.create()Lmuzzle/server/Entry; is not static (needed by MuzzleTestHelper)");
    }

    @Test
    void aMissingMethod() {
        Server server = new Server();
        server.hasName = false;
        assertThat(muzzle.firstMissing(server.load()))
                .isEqualTo("method muzzle.server.Entry.name()Ljava/lang/String; is missing (needed by MuzzleTestHelper)");
    }

    @Test
    void aMissingField() {
        Server server = new Server();
        server.hasCount = false;
        assertThat(muzzle.firstMissing(server.load()))
                .isEqualTo("field muzzle.server.Entry.count:I is missing (needed by MuzzleTestHelper)");
    }

    @Test
    void aMissingClass() {
        Server server = new Server();
        server.hasEntry = false;
        assertThat(muzzle.firstMissing(server.load()))
                .isEqualTo("class muzzle.server.Entry is missing (needed by MuzzleTestHelper)");
    }

    @Test
    void anInterfaceMethodTheHelperDoesNotImplement() {
        Server server = new Server();
        server.listenerGrows = true;
        assertThat(muzzle.firstMissing(server.load()))
                .isEqualTo("abstract method muzzle.server.Listener.off()V is not implemented (needed by MuzzleTestHelper$Listening)");
    }
}
