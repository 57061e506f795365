package io.trailboss.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Job tokens: {@code tbj_<job id>.<256 random bits>}, handed to a job's process only; the database
 * keeps their SHA-256. A hash is enough (no KDF): the token is random, not a password. The job id
 * in the token finds the job by its key: an index of token hashes would put every job claimed in
 * a random leaf of that index, a page written again at each commit.
 */
public final class JobTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "tbj_";

    private JobTokens() {}

    public static String issue(String jobId) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + jobId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The job id a token names; empty for anything else (such as a token issued before tokens named their job). */
    static java.util.Optional<String> jobIdOf(String token) {
        int dot = token.indexOf('.');
        if (!token.startsWith(PREFIX) || dot <= PREFIX.length()) return java.util.Optional.empty();
        return java.util.Optional.of(token.substring(PREFIX.length(), dot));
    }

    /**
     * Whether a token has the shape of one issued before tokens named their job (43 base64url
     * characters, bare or after {@code tbj_}): only those are looked for among the running jobs'
     * hashes, so that any other unknown token costs no read.
     */
    static boolean unnamedShape(String token) {
        String secret = token.startsWith(PREFIX) ? token.substring(PREFIX.length()) : token;
        return secret.length() == 43 && secret.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_');
    }

    /**
     * What to mask of a token wherever its job shows it: the whole token and its random part alone
     * (a script may print the part after the dot); the job id it names is no secret.
     */
    public static java.util.List<String> masks(String token) {
        int dot = token.indexOf('.');
        return dot > 0 && dot < token.length() - 1 ? java.util.List.of(token, token.substring(dot + 1)) : java.util.List.of(token);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean matches(String token, String storedHash) {
        return MessageDigest.isEqual(hash(token).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
