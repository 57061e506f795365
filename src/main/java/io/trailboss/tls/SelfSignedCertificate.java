package io.trailboss.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate a server makes for itself when it listens beyond loopback and is given none:
 * an EC P-256 key and a self-signed certificate naming this machine (localhost, its host names,
 * its addresses, and any names asked for), kept in {@code <data>/tls/} and reused on later starts,
 * so the fingerprint agents pinned stays valid.
 */
public final class SelfSignedCertificate {
    public static final String CERTIFICATE_FILE = "server.crt";
    public static final String KEY_FILE = "server.key";
    static final Duration VALIDITY = Duration.ofDays(5 * 365);
    /** A certificate this close to its end is made again (with a new fingerprint, printed at start). */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the certificate and key are, whether they were made now, and why. */
    public record Made(Path certificate, Path key, boolean created, String why) {}

    private SelfSignedCertificate() {}

    /**
     * The certificate in {@code dir}, made first if there is none, if it ends within 30 days, or if it
     * does not name every one of {@code names} (the names asked for with {@code --tls-name}).
     */
    public static Made ensure(Path dir, List<String> names, Clock clock) throws IOException {
        Path cert = dir.resolve(CERTIFICATE_FILE);
        Path key = dir.resolve(KEY_FILE);
        String why;
        if (!Files.exists(cert) || !Files.exists(key)) {
            why = "none was there";
        } else {
            why = reasonToRemake(cert, key, names, clock);
            if (why == null) return new Made(cert, key, false, null);
        }
        KeyPair pair = keyPair();
        X509Certificate certificate = sign(pair, machineNames(names), clock.instant(), VALIDITY);
        Files.createDirectories(dir);
        Pem.write(key, Pem.encode(pair.getPrivate()), true);
        Pem.write(cert, Pem.encode(List.of(certificate)), false);
        return new Made(cert, key, true, why);
    }

    private static String reasonToRemake(Path cert, Path key, List<String> names, Clock clock) {
        X509Certificate existing;
        try {
            existing = Pem.certificates(cert).getFirst();
            CertificateFiles.checkPair(existing, Pem.privateKey(key), cert, key);
        } catch (IOException e) {
            return "the one there cannot be used (" + e.getMessage() + ")";
        }
        if (existing.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) return "the one there ends on " + existing.getNotAfter().toInstant();
        Set<String> has = subjectAltNames(existing);
        for (String n : names) {
            if (!has.contains(normalizeIp(n))) return "the one there does not name " + n;
        }
        return null;
    }

    /** A self-signed certificate for {@code pair} naming {@code names} (host names and IP addresses). */
    public static X509Certificate sign(KeyPair pair, Collection<String> names, Instant now, Duration validity) throws IOException {
        try {
            String first = names.isEmpty() ? "localhost" : names.iterator().next();
            X500Name subject = new X500Name("CN=" + first.replaceAll("[,+=\"\\\\<>#;]", "_") + ",O=Trailboss self-signed");
            List<GeneralName> alt = new ArrayList<>();
            for (String n : names) alt.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(validity)), subject, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            // an end-entity certificate (no key usage extension: OpenSSL then still takes it as its own trust anchor)
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt.toArray(GeneralName[]::new)));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(signatureFor(pair.getPrivate())).build(pair.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a certificate: " + e.getMessage(), e);
        }
    }

    static String signatureFor(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException("keys of type " + key.getAlgorithm() + " are not supported");
        };
    }

    /** A fresh EC P-256 key pair. */
    public static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** localhost, loopback addresses, this machine's names and addresses, then {@code extra}. */
    static List<String> machineNames(List<String> extra) {
        Set<String> names = new LinkedHashSet<>();
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(local.getHostName().toLowerCase(Locale.ROOT));
            names.add(local.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            // no resolvable host name: the addresses below still name this machine
        }
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        try {
            for (NetworkInterface nic : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) continue;
                for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                    if (a.isLinkLocalAddress()) continue;
                    String literal = a.getHostAddress();
                    int zone = literal.indexOf('%');
                    names.add(zone < 0 ? literal : literal.substring(0, zone));
                }
            }
        } catch (SocketException e) {
            // interfaces unreadable: the names above remain
        }
        for (String n : extra) names.add(n.toLowerCase(Locale.ROOT));
        names.removeIf(n -> n.isBlank() || (!isIpLiteral(n) && !n.matches("[a-z0-9*]([a-z0-9.-]*[a-z0-9])?")));
        return List.copyOf(names);
    }

    /** The certificate's DNS names and IP addresses, lower case (IPv6 as Java writes it). */
    public static Set<String> subjectAltNames(X509Certificate certificate) {
        Set<String> out = new LinkedHashSet<>();
        try {
            Collection<List<?>> alt = certificate.getSubjectAlternativeNames();
            if (alt != null) {
                for (List<?> entry : alt) {
                    int type = (Integer) entry.get(0);
                    if (type == 2) out.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
                    if (type == 7) out.add(normalizeIp(String.valueOf(entry.get(1))));
                }
            }
        } catch (CertificateParsingException e) {
            // no readable names
        }
        return out;
    }

    static boolean isIpLiteral(String s) {
        return IPV4.matcher(s).matches() || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
    }

    private static String normalizeIp(String ip) {
        try {
            return isIpLiteral(ip) ? InetAddress.getByName(ip).getHostAddress().toLowerCase(Locale.ROOT) : ip.toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return ip.toLowerCase(Locale.ROOT);
        }
    }
}
