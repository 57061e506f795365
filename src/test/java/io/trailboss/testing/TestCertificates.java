package io.trailboss.testing;

import io.trailboss.tls.Fingerprints;
import io.trailboss.tls.Pem;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A test CA and the server certificates it issues, written as PEM the way operators have them. */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {}

    /** A certificate and key written to files. */
    public record Issued(Path certificate, Path key, X509Certificate leaf) {
        public String fingerprint() {
            return Fingerprints.sha256(leaf);
        }
    }

    /** A CA that issues server certificates. */
    public record Authority(KeyPair keys, X509Certificate certificate, Path file) {
        /**
         * A certificate for {@code names} with an RSA key written in PKCS#1 ({@code RSA PRIVATE KEY}); the
         * certificate file holds the chain, the CA's certificate last when {@code withRoot}.
         */
        public Issued issue(Path dir, String name, List<String> names, boolean withRoot) throws Exception {
            KeyPair pair = rsa();
            X509Certificate leaf = sign(pair, names, keys, certificate, false);
            Path cert = dir.resolve(name + ".crt");
            Path key = dir.resolve(name + ".key");
            Files.writeString(cert, Pem.encode(withRoot ? List.of(leaf, certificate) : List.of(leaf)));
            Files.writeString(key, traditional(pair.getPrivate()));
            return new Issued(cert, key, leaf);
        }
    }

    public static Authority authority(Path dir, String name) throws Exception {
        KeyPair pair = ec();
        X509Certificate ca = sign(pair, List.of(), pair, null, true);
        Path file = dir.resolve(name + "-ca.crt");
        Files.writeString(file, Pem.encode(List.of(ca)));
        return new Authority(pair, ca, file);
    }

    public static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, RANDOM);
        return g.generateKeyPair();
    }

    public static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** A key in its algorithm's own PEM form: PKCS#1 for RSA, SEC 1 ({@code EC PRIVATE KEY}) for EC. */
    public static String traditional(PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(key);
        }
        return out.toString();
    }

    private static X509Certificate sign(KeyPair subjectKeys, List<String> names, KeyPair issuerKeys, X509Certificate issuer, boolean ca) throws Exception {
        Instant now = Instant.now();
        X500Name subject = new X500Name(ca ? "CN=Trailboss Test CA " + RANDOM.nextInt(1000) : "CN=" + names.getFirst());
        X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject, subjectKeys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) alt.add(n.matches("[0-9.]+") || n.contains(":") ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        }
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
        if (issuer != null) b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer));
        String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
    }

    /** The server certificate a new TLS connection to 127.0.0.1:{@code port} is shown (trusting anything, to look). */
    public static X509Certificate presented(int port) throws Exception {
        X509Certificate[] seen = new X509Certificate[1];
        TrustManager looker = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {looker}, RANDOM);
        try (Socket plain = new Socket("127.0.0.1", port); SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
        }
        return seen[0];
    }
}
