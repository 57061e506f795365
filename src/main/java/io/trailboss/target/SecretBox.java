package io.trailboss.target;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret param values at rest with AES-256-GCM. The key comes from the environment
 * variable {@code TRAILBOSS_SECRET_KEY} (base64 of 32 bytes) or from a key file that is generated
 * on first use (owner-only permissions). Every server node of one database needs the same key.
 *
 * <p>A value is stored as the JSON object {@code {"$encrypted": "v1:<base64(iv | ciphertext+tag)>"}};
 * the param name is the associated data, so a ciphertext cannot be moved to another param.
 */
public final class SecretBox {
    public static final String ENV = "TRAILBOSS_SECRET_KEY";
    public static final String MARKER = "$encrypted";
    private static final String PREFIX = "v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    private SecretBox(byte[] key) {
        if (key.length != 32) throw new IllegalArgumentException("a secret key is 32 bytes (AES-256), not " + key.length);
        this.key = new SecretKeySpec(key, "AES");
    }

    public static SecretBox of(byte[] key) {
        return new SecretBox(key.clone());
    }

    /** A random key that lives as long as this process: for tests and throwaway databases. */
    public static SecretBox ephemeral() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return new SecretBox(k);
    }

    /** The key of {@code TRAILBOSS_SECRET_KEY} if set, else a random one for this process only. */
    public static SecretBox fromEnvironmentOrEphemeral() {
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? new SecretBox(decodeKey(env, ENV)) : ephemeral();
    }

    /** The key of {@code TRAILBOSS_SECRET_KEY} if set, else the key in {@code keyFile}, created on first use. */
    public static SecretBox load(Path keyFile) {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return new SecretBox(decodeKey(env, ENV));
        return fromFile(keyFile);
    }

    /** The key in {@code keyFile} (base64 of 32 bytes), generated with owner-only permissions when absent. */
    public static SecretBox fromFile(Path keyFile) {
        try {
            if (!Files.exists(keyFile)) {
                if (keyFile.toAbsolutePath().getParent() != null) Files.createDirectories(keyFile.toAbsolutePath().getParent());
                byte[] k = new byte[32];
                RANDOM.nextBytes(k);
                try {
                    Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(keyFile, Base64.getEncoder().encodeToString(k) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
                    return new SecretBox(k);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use that one
                } catch (UnsupportedOperationException noPosix) {
                    Files.writeString(keyFile, Base64.getEncoder().encodeToString(k) + "\n", StandardOpenOption.CREATE_NEW);
                    return new SecretBox(k);
                }
            }
            return new SecretBox(decodeKey(Files.readString(keyFile).trim(), keyFile.toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the secret key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decodeKey(String base64, String where) {
        try {
            byte[] k = Base64.getDecoder().decode(base64.trim());
            if (k.length != 32) throw new IllegalStateException(where + " must hold base64 of 32 bytes, not " + k.length + " bytes");
            return k;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + " is not valid base64: " + e.getMessage());
        }
    }

    /** The stored form of a plain value: an envelope object holding the ciphertext of its JSON. */
    public Map<String, Object> seal(String paramName, Object plainValue) {
        return Map.of(MARKER, encrypt(paramName, io.trailboss.json.Json.write(plainValue)));
    }

    /** The plain value of an envelope made by {@link #seal}. */
    public Object open(String paramName, Object envelope) {
        if (!isSealed(envelope)) throw new IllegalArgumentException("not an encrypted value");
        return io.trailboss.json.Json.read(decrypt(paramName, (String) ((Map<?, ?>) envelope).get(MARKER)));
    }

    /** Seals whole texts (a job's input) with this key, bound to {@code aad}. */
    public io.trailboss.store.Sealer asSealer() {
        return new io.trailboss.store.Sealer() {
            @Override
            public String seal(String aad, String plain) {
                return encrypt(aad, plain);
            }

            @Override
            public String open(String aad, String sealed) {
                return decrypt(aad, sealed);
            }
        };
    }

    public static boolean isSealed(Object value) {
        return value instanceof Map<?, ?> m && m.size() == 1 && m.get(MARKER) instanceof String s && s.startsWith(PREFIX);
    }

    String encrypt(String aad, String plain) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + ct.length).put(iv).put(ct).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    String decrypt(String aad, String sealed) {
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot decrypt the secret '" + aad + "': wrong key (" + ENV + " or the key file) or damaged value", e);
        }
    }
}
