package dev.mcpguard.authserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's RSA keys, newest first: the first signs, all are published, so that tokens signed before a rotation
 * stay verifiable. Kept in a JWKS file (private parts included) when one is given, so that a restarted server signs
 * with the same keys and publishes the same set.
 */
final class SigningKeys {

    private final Path file;
    private volatile JWKSet keys;

    private SigningKeys(Path file, JWKSet keys) {
        this.file = file;
        this.keys = keys;
    }

    /** The keys in {@code file}; if there is no such file, one new key, written there. {@code file} null: in memory only. */
    static SigningKeys open(Path file) {
        if (file != null && Files.exists(file)) {
            JWKSet keys;
            try {
                keys = JWKSet.load(file.toFile());
            } catch (IOException | ParseException e) {
                throw new IllegalArgumentException("cannot read the keys in " + file + ": " + e.getMessage(), e);
            }
            if (keys.getKeys().isEmpty() || !keys.getKeys().stream().allMatch(key -> key instanceof RSAKey && key.isPrivate())) {
                throw new IllegalArgumentException(file + " must hold RSA keys with their private parts");
            }
            return new SigningKeys(file, keys);
        }
        SigningKeys created = new SigningKeys(file, new JWKSet(generate()));
        created.persist();
        return created;
    }

    /** The key that signs new tokens. */
    RSAKey signing() {
        return (RSAKey) keys.getKeys().get(0);
    }

    /** All keys, public parts only: what the JWKS endpoint serves. */
    JWKSet published() {
        return keys.toPublicJWKSet();
    }

    /** A new key becomes the signing key; the old ones stay published. Returns the new key's {@code kid}. */
    synchronized String rotate() {
        List<JWK> rotated = new ArrayList<>();
        RSAKey fresh = generate();
        rotated.add(fresh);
        rotated.addAll(keys.getKeys());
        keys = new JWKSet(rotated);
        persist();
        return fresh.getKeyID();
    }

    /** RSA 2048 for RS256; the {@code kid} is the key's RFC 7638 thumbprint, so a new key always has a new one. */
    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /** Written aside and moved over, so that a server started meanwhile never reads half a file. */
    private void persist() {
        if (file == null) {
            return;
        }
        try {
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------")); // private keys
            }
            Files.writeString(temporary, keys.toString(false), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the keys to " + file, e);
        }
    }
}
