package io.trailboss.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * SHA-256 fingerprints of certificates, written as OpenSSL and browsers show them
 * ({@code AB:CD:...}), and read back in any common spelling (with or without colons, any case,
 * with a {@code sha256:} prefix).
 */
public final class Fingerprints {
    private Fingerprints() {}

    /** The certificate's SHA-256 fingerprint as {@code AB:CD:...}. */
    public static String sha256(X509Certificate certificate) {
        return display(hex(certificate));
    }

    /** The certificate's SHA-256 fingerprint as 64 lower-case hex digits. */
    public static String hex(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(digest(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a certificate that cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** Base64 of the SHA-256 of the certificate's public key (SPKI): what Chromium's --ignore-certificate-errors-spki-list takes. */
    public static String spkiSha256Base64(X509Certificate certificate) {
        return Base64.getEncoder().encodeToString(digest(certificate.getPublicKey().getEncoded()));
    }

    /**
     * A fingerprint as given by a person or a token, as 64 lower-case hex digits.
     *
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static String parse(String given) {
        if (given == null || given.isBlank()) throw new IllegalArgumentException("an empty certificate fingerprint");
        String s = given.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"sha256:", "sha256=", "sha-256:", "sha256 fingerprint=", "sha256 "}) {
            if (lower.startsWith(prefix)) {
                s = s.substring(prefix.length()).strip();
                break;
            }
        }
        String digits = s.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (digits.length() != 64 || !digits.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("'" + given + "' is not a SHA-256 certificate fingerprint (64 hex digits, colons allowed, as the server prints it at start)");
        }
        return digits;
    }

    /** 64 hex digits as {@code AB:CD:...}. */
    public static String display(String hex) {
        StringBuilder sb = new StringBuilder(95);
        for (int i = 0; i < hex.length(); i += 2) {
            if (i > 0) sb.append(':');
            sb.append(hex, i, i + 2);
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
