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

    /** Helper classes injected into the server's class loader before the first advised type loads. */
    List<String> helperClassNames();

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
        private final String typeName;
        private final ElementMatcher<MethodDescription> method;
        private final String adviceClassName;

        public Hook(String typeName, ElementMatcher<MethodDescription> method, String adviceClassName) {
            this.typeName = typeName;
            this.method = method;
            this.adviceClassName = adviceClassName;
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
