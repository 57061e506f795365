package io.trailboss.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes (Bouncy Castle), in the PHC string form
 * {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}. The parameters are read back from each hash, so
 * they can be raised later without invalidating stored ones. Counts the hashes it computes, so a
 * test can tell that a request did not run the KDF.
 */
public final class Passwords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    // OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane
    private static final int MEMORY_KIB = 19 * 1024, ITERATIONS = 2, LANES = 1;

    private final AtomicLong computed = new AtomicLong();

    public String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, LANES, 32);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + LANES + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    public boolean verify(String password, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 6 || !"argon2id".equals(parts[1])) return false;
        int m = 0, t = 0, p = 0;
        for (String kv : parts[3].split(",")) {
            int v = Integer.parseInt(kv.substring(2));
            switch (kv.charAt(0)) {
                case 'm' -> m = v;
                case 't' -> t = v;
                case 'p' -> p = v;
                default -> { return false; }
            }
        }
        byte[] expected = B64D.decode(parts[5]);
        byte[] actual = derive(password, B64D.decode(parts[4]), m, t, p, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** How many hashes this instance computed (hashing and verifying). */
    public long computed() {
        return computed.get();
    }

    private byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
        computed.incrementAndGet();
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(lanes).withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[length];
        gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** A random secret of 256 bits, base64url, with a prefix that says what it is. */
    public static String secret(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Hex SHA-256: how random secrets (tokens, session ids) are stored and cached. */
    public static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
