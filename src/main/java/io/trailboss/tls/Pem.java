package io.trailboss.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM files: a certificate chain (server certificate first), a private key in PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}) form.
 * Text around the blocks (as {@code openssl x509 -text} leaves it) is skipped.
 */
public final class Pem {
    private Pem() {}

    /** Every certificate in the file, in order. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        return certificates(read(file, "certificate"), file.toString());
    }

    /** Every certificate in PEM text; {@code source} names it in errors. */
    public static List<X509Certificate> certificates(String text, String source) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object o = next(parser, source); o != null; o = next(parser, source)) {
                if (o instanceof X509CertificateHolder holder) {
                    try {
                        out.add(converter.getCertificate(holder));
                    } catch (CertificateException e) {
                        throw new IOException(source + ": a certificate that cannot be read: " + e.getMessage(), e);
                    }
                }
            }
        }
        if (out.isEmpty()) throw new IOException(source + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)");
        return List.copyOf(out);
    }

    /** The one private key in the file. */
    public static PrivateKey privateKey(Path file) throws IOException {
        String text = read(file, "private key");
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            for (Object o = next(parser, file.toString()); o != null; o = next(parser, file.toString())) {
                switch (o) {
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMKeyPair pair -> {
                        return converter.getKeyPair(pair).getPrivate();
                    }
                    case PEMEncryptedKeyPair encrypted -> throw encrypted(file);
                    case PKCS8EncryptedPrivateKeyInfo encrypted -> throw encrypted(file);
                    case ASN1ObjectIdentifier curve -> { } // the EC PARAMETERS block some tools write before the key
                    default -> { }
                }
            }
        }
        throw new IOException(file + ": no private key in it (expected PEM: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /** Certificates as PEM text. */
    public static String encode(List<X509Certificate> certificates) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certificates) {
            try {
                sb.append(block("CERTIFICATE", c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    /** A private key as a PKCS#8 PEM block. */
    public static String encode(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    /** Writes {@code text} to {@code file} through a temporary file and a rename, readable by the owner only when {@code secret}. */
    public static void write(Path file, String text, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try {
                // a temporary file starts private; certificates are public
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // a file system without POSIX permissions: the directory's protection applies
            }
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static IOException encrypted(Path file) {
        return new IOException(file + ": the private key is encrypted; give it unencrypted, readable by this user only "
                + "(openssl pkey -in " + file.getFileName() + " -out key.pem)");
    }

    private static String read(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("the " + what + " file " + file + " does not exist");
        if (Files.size(file) > 1024 * 1024) throw new IOException(file + ": larger than 1 MiB; not a PEM " + what);
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static Object next(PEMParser parser, String source) throws IOException {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new IOException(source + ": not valid PEM (" + e.getMessage() + ")", e);
        }
    }
}
