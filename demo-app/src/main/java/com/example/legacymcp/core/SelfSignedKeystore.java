package com.example.legacymcp.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The certificate of {@code --tls}: self-signed for localhost, 127.0.0.1 and ::1, made by the
 * JDK's keytool at each start into a PKCS12 file in a fresh temporary directory, under a random
 * password. Each stack takes it in the form its API wants: the file, an {@link SSLContext} or a
 * {@link KeyManagerFactory}. {@link #close} deletes the directory.
 */
public final class SelfSignedKeystore implements AutoCloseable {

    private static final String PASSWORD_VARIABLE = "LEGACY_DEMO_STOREPASS";

    private final Path directory;
    private final Path path;
    private final String password;

    private SelfSignedKeystore(Path directory, Path path, String password) {
        this.directory = directory;
        this.path = path;
        this.password = password;
    }

    public static SelfSignedKeystore generate() throws IOException, InterruptedException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().encodeToString(random);
        Path directory = Files.createTempDirectory("legacy-demo-tls"); // owner-only on POSIX
        Path path = directory.resolve("localhost.p12");
        ProcessBuilder keytool = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1,ip:::1",
                "-storetype", "PKCS12", "-keystore", path.toString(),
                // from the environment, not the command line, which any local user can read
                "-storepass:env", PASSWORD_VARIABLE))
                .redirectErrorStream(true);
        keytool.environment().put(PASSWORD_VARIABLE, password);
        SelfSignedKeystore keystore = new SelfSignedKeystore(directory, path, password);
        try {
            Process process = keytool.start();
            process.getOutputStream().close(); // a prompt would fail instead of waiting
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0 || !Files.exists(path)) {
                throw new IOException("keytool failed: " + output.strip());
            }
            return keystore;
        } catch (IOException | InterruptedException | RuntimeException e) {
            keystore.close();
            throw e;
        }
    }

    /** The PKCS12 file, which holds one private key entry with its certificate. */
    public Path path() {
        return path;
    }

    /** Of the file and of its key entry alike. */
    public String password() {
        return password;
    }

    public KeyManagerFactory keyManagerFactory() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, password.toCharArray());
        return factory;
    }

    public SSLContext sslContext() throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagerFactory().getKeyManagers(), null, null);
        return context;
    }

    /** Deletes the file and its directory. */
    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
