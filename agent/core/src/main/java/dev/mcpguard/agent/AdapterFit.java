package dev.mcpguard.agent;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import net.bytebuddy.dynamic.ClassFileLocator;

/**
 * Whether one adapter's helpers link against the server of a class loader, decided once per
 * loader when its first hooked type loads (and reported then, once, when they do not); and
 * whether the adapter's refusal advice links there instead.
 */
final class AdapterFit {
    private final ServerInstrumentation server;
    private final ClassFileLocator agentClasses;
    /** The first missing reference per loader; an empty one when everything links. */
    private final Map<ClassLoader, Optional<String>> gateFit = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<ClassLoader, Optional<String>> refusalFit = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<ClassLoader, Boolean> reported = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile Muzzle gateReferences;
    private volatile Muzzle refusalReferences;

    AdapterFit(ServerInstrumentation server, ClassFileLocator agentClasses) {
        this.server = server;
        this.agentClasses = agentClasses;
    }

    ServerInstrumentation server() {
        return server;
    }

    /** @return {@code null} when the gate helpers and advice link against {@code classLoader}'s server, else the first missing reference */
    String gateMissing(ClassLoader classLoader) {
        return gateFit.computeIfAbsent(classLoader, loader -> check(this::gateReferences, loader)).orElse(null);
    }

    /** Whether the refusal helpers and advice link there. Only asked after {@link #gateMissing} found a gap. */
    boolean refusalLinks(ClassLoader classLoader) {
        return refusalFit.computeIfAbsent(classLoader, loader -> check(this::refusalReferences, loader)).isEmpty();
    }

    /** A check that cannot be made counts as a misfit: the server is refused, not run unchecked. */
    private static Optional<String> check(Supplier<Muzzle> references, ClassLoader classLoader) {
        try {
            return Optional.ofNullable(references.get().firstMissing(classLoader));
        } catch (RuntimeException e) {
            return Optional.of("the fit check failed: " + e);
        }
    }

    /** How a server this adapter does not fit is refused on {@code classLoader}, in the words of the ERROR line. */
    String refusal(ClassLoader classLoader) {
        boolean ownAdvice = server.hooks().stream()
                .noneMatch(hook -> ServerInstrumentation.Hook.REFUSE_ENTRY.equals(hook.refusalAdviceClassName()));
        return ownAdvice && refusalLinks(classLoader)
                ? server.unfitRefusal()
                : "its entry points throw, so no request reaches the application";
    }

    /** @return {@code true} the first time it is asked for {@code classLoader}: the ERROR line is printed once per server */
    boolean firstReport(ClassLoader classLoader) {
        return reported.put(classLoader, Boolean.TRUE) == null;
    }

    private Muzzle gateReferences() {
        Muzzle references = gateReferences;
        if (references == null) {
            List<String> classes = new ArrayList<>(server.helperClassNames());
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                classes.add(hook.adviceClassName());
            }
            gateReferences = references = read(classes);
        }
        return references;
    }

    private Muzzle refusalReferences() {
        Muzzle references = refusalReferences;
        if (references == null) {
            List<String> classes = new ArrayList<>(server.refusalHelperClassNames());
            for (ServerInstrumentation.Hook hook : server.hooks()) {
                classes.add(hook.refusalAdviceClassName());
            }
            refusalReferences = references = read(classes);
        }
        return references;
    }

    private Muzzle read(List<String> classes) {
        try {
            return Muzzle.of(agentClasses, classes);
        } catch (IOException e) {
            throw new UncheckedIOException("mcpguard's own classes cannot be read from its jar", e);
        }
    }

    /**
     * The server's version as its jar's manifest states it, else the hooked class's package:
     * read only for the ERROR line of a server that does not fit.
     */
    static String serverVersion(String typeName, ProtectionDomain protectionDomain) {
        String packageName = typeName.substring(0, Math.max(0, typeName.lastIndexOf('.')));
        CodeSource source = protectionDomain == null ? null : protectionDomain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location != null && "file".equals(location.getProtocol()) && location.getPath().endsWith(".jar")) {
            try (JarFile jar = new JarFile(new File(location.toURI()))) {
                Manifest manifest = jar.getManifest();
                String version = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
                if (version != null) {
                    return "version " + version + " (" + packageName + ")";
                }
            } catch (IOException | URISyntaxException | RuntimeException unreadable) {
                // The package still says which server it is.
            }
        }
        return "of unknown version (" + packageName + ")";
    }
}
