package dev.mcpguard.agent;

import inet.ipaddr.HostIdentifierException;
import inet.ipaddr.format.validate.BundleLoader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.PropertyResourceBundle;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Hands the bundled IP address library its messages. It looks them up with
 * {@code ResourceBundle.getBundle} from its own class, which on the bootstrap class path finds
 * nothing, and then prints "bundle … is missing" on stderr, a line no operator should have to
 * puzzle over. Read once at start from the agent jar.
 */
final class IpAddressMessages {

    private IpAddressMessages() {
    }

    static void load(File agentJar) {
        String resource = HostIdentifierException.class.getPackageName().replace('.', '/') + "/IPAddressResources.properties";
        try (JarFile jar = new JarFile(agentJar)) {
            ZipEntry entry = jar.getEntry(resource);
            if (entry == null) {
                return;
            }
            try (InputStream in = jar.getInputStream(entry)) {
                Field bundle = BundleLoader.class.getDeclaredField("bundle");
                bundle.setAccessible(true);
                bundle.set(null, new PropertyResourceBundle(in));
            }
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            // Only the library's exception messages are at stake; the agent validated every address already.
        }
    }
}
