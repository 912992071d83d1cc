package dev.mcpguard.agent;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Where the agent hooks one server family: which types and methods, which advice, and which
 * helper classes the advice calls. Implementations name server types by string only, so that
 * they load on the bootstrap class path where the server's types are not visible.
 */
public interface ServerInstrumentation {

    /** The family name used in {@code mcpguard.stack} and in the banner. */
    String family();

    /**
     * The server versions the adapter is written for, as an operator reads them ("Jetty 10.0 –
     * 11.0"). A version outside them that still links (see {@link Muzzle}) is gated; one that
     * does not is refused.
     */
    String supportedVersions();

    /**
     * Whether this family's hooks gate a server's requests: its types loading means a server is
     * coming up. False for the BIND gate's socket hooks, which every JVM that binds loads.
     */
    default boolean guardsRequests() {
        return true;
    }

    /**
     * What an attach cannot do for this family's servers that already run, one sentence each, for
     * the attach report once a type of the family is instrumented.
     */
    default List<String> attachLimits() {
        return List.of();
    }

    /**
     * The packages of this family's server code, the code that opens its listeners: a server
     * socket bound from there belongs to this family (design §6). Prefixes ending in a dot.
     */
    default List<String> listenerPackages() {
        return List.of();
    }

    /**
     * What the hooks' own refusal advice does to a server the gate helpers do not link against, in
     * the words of the ERROR line.
     */
    default String unfitRefusal() {
        return "every request it serves is refused 503 gate_error";
    }

    /** Helper classes injected into the server's class loader before the first advised type loads. */
    List<String> helperClassNames();

    /**
     * Helpers of the hooks' refusal advice, injected instead of {@link #helperClassNames()} into
     * a class loader whose server the gate helpers do not link against.
     */
    default List<String> refusalHelperClassNames() {
        return List.of();
    }

    /**
     * Packages of the advised types' named module that the helpers may reach privately (through
     * a {@code MethodHandles.privateLookupIn} resolved once): opened to the helpers' module only,
     * when the first advised type of that module is transformed. Empty for most servers.
     */
    default List<String> packagesOpenedToHelpers() {
        return List.of();
    }

    /** The advised methods. */
    List<Hook> hooks();

    /** The advised methods of one type, named exactly: a name match is the cheapest matcher. */
    final class Hook {
        /**
         * Ends the span in which a request is current on its thread ({@code InboundRequests}), for
         * a server whose gate makes it current in a method the application runs within.
         */
        public static final String REQUEST_SCOPE = "dev.mcpguard.agent.RequestScopeAdvice";
        /**
         * What a refused server's hooked method throws. A constant: inlined into advice, it names
         * nothing the server's class loader must link.
         */
        public static final String NOT_GATED = "mcpguard: this server version is NOT GATED (see the ERROR line at start); refused";
        /** Makes the hooked method throw: no request gets past it to the application. */
        static final String REFUSE_ENTRY = "dev.mcpguard.agent.RefuseEntryAdvice";

        private final String typeName;
        private final ElementMatcher<MethodDescription> method;
        private final String adviceClassName;
        private final String refusalAdviceClassName;
        private final boolean relocatable;

        /** A hook whose server, when the gate helpers do not link, is refused by {@link #REFUSE_ENTRY}. */
        public Hook(String typeName, ElementMatcher<MethodDescription> method, String adviceClassName) {
            this(typeName, method, adviceClassName, REFUSE_ENTRY);
        }

        /**
         * @param refusalAdviceClassName the advice that, when the gate helpers do not link, answers every
         *                               request 503 {@code gate_error} with {@link #refusalHelperClassNames()}
         */
        public Hook(String typeName, ElementMatcher<MethodDescription> method, String adviceClassName,
                    String refusalAdviceClassName) {
            this(typeName, method, adviceClassName, refusalAdviceClassName, false);
        }

        private Hook(String typeName, ElementMatcher<MethodDescription> method, String adviceClassName,
                     String refusalAdviceClassName, boolean relocatable) {
            this.typeName = typeName;
            this.method = method;
            this.adviceClassName = adviceClassName;
            this.refusalAdviceClassName = refusalAdviceClassName;
            this.relocatable = relocatable;
        }

        /**
         * This hook, also for copies of its type that a library relocated under a package of its own
         * ({@code io.grpc.netty.shaded.io.netty.channel.unix.Socket}): matched by the end of their name.
         */
        public Hook relocatable() {
            return new Hook(typeName, method, adviceClassName, refusalAdviceClassName, true);
        }

        public boolean isRelocatable() {
            return relocatable;
        }

        public String refusalAdviceClassName() {
            return refusalAdviceClassName;
        }

        public String typeName() {
            return typeName;
        }

        public ElementMatcher<MethodDescription> method() {
            return method;
        }

        public String adviceClassName() {
            return adviceClassName;
        }
    }
}
