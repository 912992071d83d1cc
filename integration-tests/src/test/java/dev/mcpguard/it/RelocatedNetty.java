package dev.mcpguard.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;

/**
 * Netty relocated into a package of its own, {@value #PREFIX}{@code io.netty}, as libraries that shade it do
 * ({@code grpc-netty-shaded}: {@code io.grpc.netty.shaded.io.netty}), with its epoll library renamed the way
 * Netty's loader then looks for it, and {@link EgressProbe} relocated along, so that its Netty clients run
 * on the relocated copy. Put first on the class path, the jar's probe hides the test classes' own.
 */
final class RelocatedNetty {
    static final String PREFIX = "relocated.";
    private static final String NETTY = "io/netty/";
    private static final String NATIVE = "META-INF/native/libnetty_";

    private RelocatedNetty() {
    }

    /** Writes the jar to {@code jar} from the Netty jars of this class path and the probe's classes. */
    static Path build(Path jar) {
        String relocated = PREFIX.replace('.', '/') + NETTY;
        PrefixRemapper remapper = new PrefixRemapper(NETTY, relocated);
        Set<String> written = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (entry.endsWith(".jar") && Path.of(entry).getFileName().toString().startsWith("netty-")) {
                    copyNetty(Path.of(entry), out, remapper, relocated, written);
                }
            }
            Path probeClasses = Path.of(EgressProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path probeDir = probeClasses.resolve(EgressProbe.class.getPackageName().replace('.', '/'));
            try (Stream<Path> classes = Files.list(probeDir)) {
                for (Path file : (Iterable<Path>) classes::iterator) {
                    String name = file.getFileName().toString();
                    if (name.equals("EgressProbe.class") || name.startsWith("EgressProbe$")) {
                        write(out, probeClasses.relativize(file).toString().replace('\\', '/'),
                                remap(Files.readAllBytes(file), remapper), written);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return jar;
    }

    private static void copyNetty(Path nettyJar, JarOutputStream out, PrefixRemapper remapper, String relocated,
                                  Set<String> written) throws IOException {
        try (JarFile in = new JarFile(nettyJar.toFile())) {
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                byte[] bytes;
                try (InputStream content = in.getInputStream(entry)) {
                    bytes = content.readAllBytes();
                }
                if (name.startsWith(NETTY) && name.endsWith(".class")) {
                    write(out, relocated + name.substring(NETTY.length()), remap(bytes, remapper), written);
                } else if (name.startsWith(NATIVE)) {
                    // Netty loads lib<package prefix, dots as underscores>netty_…, and registers its natives for that package
                    write(out, "META-INF/native/lib" + PREFIX.replace('.', '_') + name.substring("META-INF/native/lib".length()),
                            bytes, written);
                }
            }
        }
    }

    private static byte[] remap(byte[] classFile, PrefixRemapper remapper) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, remapper), 0);
        return writer.toByteArray();
    }

    private static void write(JarOutputStream out, String name, byte[] bytes, Set<String> written) throws IOException {
        if (!written.add(name) || name.endsWith("/")) {
            return; // the same class in two Netty jars (module-info aside): the first one wins, as on a class path
        }
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    /** Every type under {@code from} moved under {@code to}; strings naming Netty types too. */
    private static final class PrefixRemapper extends Remapper {
        private final String from;
        private final String to;

        PrefixRemapper(String from, String to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public String map(String internalName) {
            return internalName.startsWith(from) ? to + internalName.substring(from.length()) : internalName;
        }

        @Override
        public Object mapValue(Object value) {
            if (value instanceof String && ((String) value).startsWith("io.netty.")) {
                return PREFIX + value; // class names Netty looks up by reflection
            }
            return super.mapValue(value);
        }
    }
}
