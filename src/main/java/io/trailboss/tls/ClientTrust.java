package io.trailboss.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Whom a client of a Trailboss server (an agent, the CLI, a job reading back its recording)
 * trusts: certificates pinned by SHA-256 fingerprint (any certificate of the chain the server
 * presents may match: the server's own, or a CA's sent along), the CA certificates of a PEM file,
 * or else the JDK's trusted CAs. A pinned certificate is trusted for whatever name the server was
 * reached by (the pin is the identity); CAs are checked with the host name. A refused server gets
 * a message saying what it presented, its fingerprint, and how to trust it.
 */
public final class ClientTrust {
    private final Set<String> pins;
    private final List<X509Certificate> authorities;
    private final X509ExtendedTrustManager pkix;
    private final SSLContext context;
    private volatile List<X509Certificate> lastAccepted = List.of();

    /** The server refused: its chain and why, as a message for a person. */
    public static final class Untrusted extends CertificateException {
        private final transient List<X509Certificate> chain;

        Untrusted(String message, List<X509Certificate> chain, Throwable cause) {
            super(message, cause);
            this.chain = chain;
        }

        public List<X509Certificate> chain() {
            return chain;
        }
    }

    private ClientTrust(Set<String> pins, List<X509Certificate> authorities, boolean systemCas) {
        this.pins = Set.copyOf(pins);
        this.authorities = List.copyOf(authorities);
        try {
            if (!authorities.isEmpty() || systemCas) {
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                if (authorities.isEmpty()) {
                    f.init((KeyStore) null);
                } else {
                    KeyStore ks = KeyStore.getInstance("PKCS12");
                    ks.load(null, null);
                    for (int i = 0; i < authorities.size(); i++) ks.setCertificateEntry("ca-" + i, authorities.get(i));
                    f.init(ks);
                }
                X509ExtendedTrustManager found = null;
                for (TrustManager tm : f.getTrustManagers()) if (tm instanceof X509ExtendedTrustManager x) found = x;
                pkix = found;
            } else {
                pkix = null;
            }
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Manager()}, new SecureRandom());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    /** The JDK's trusted CAs, host names checked. */
    public static ClientTrust system() {
        return new ClientTrust(Set.of(), List.of(), true);
    }

    /**
     * {@code caFile} (PEM, may be null) and {@code fingerprints} (may be empty): either trusts a
     * server; with neither, the JDK's CAs do.
     *
     * @throws IllegalArgumentException for a fingerprint that is not one, or a CA file that cannot be read
     */
    public static ClientTrust of(Path caFile, List<String> fingerprints) {
        Set<String> pins = new java.util.LinkedHashSet<>();
        for (String f : fingerprints) {
            if (f == null || f.isBlank()) continue;
            for (String one : f.split(",")) if (!one.isBlank()) pins.add(Fingerprints.parse(one));
        }
        List<X509Certificate> cas = List.of();
        if (caFile != null) {
            try {
                cas = Pem.certificates(caFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the CA file: " + e.getMessage(), e);
            }
        }
        return new ClientTrust(pins, cas, pins.isEmpty() && cas.isEmpty());
    }

    /** The certificates of a PEM bundle, trusted both as CAs and as pins (what a job is given to reach its server). */
    public static ClientTrust bundle(Path file) throws IOException {
        List<X509Certificate> certs = Pem.certificates(file);
        Set<String> pins = new java.util.LinkedHashSet<>();
        for (X509Certificate c : certs) pins.add(Fingerprints.hex(c));
        return new ClientTrust(pins, certs, false);
    }

    public SSLContext sslContext() {
        return context;
    }

    /** Whether a client must check the server's name against its certificate (not when only pins decide). */
    public boolean checksHostName() {
        return pkix != null;
    }

    public boolean pinned() {
        return !pins.isEmpty();
    }

    /** The CA certificates given (empty: pins or the JDK's CAs). */
    public List<X509Certificate> authorities() {
        return authorities;
    }

    /** The chain of the last server this trust accepted (empty before any). */
    public List<X509Certificate> lastAccepted() {
        return lastAccepted;
    }

    /** The clear message of a refused server certificate somewhere in {@code failure}'s causes. */
    public static Optional<String> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Untrusted u) return Optional.of(u.getMessage());
            for (Throwable s : t.getSuppressed()) {
                Optional<String> inner = refusal(s);
                if (inner.isPresent()) return inner;
            }
        }
        return Optional.empty();
    }

    private void accept(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) throws CertificateException {
        if (chain == null || chain.length == 0) throw new Untrusted("the server presented no certificate", List.of(), null);
        List<X509Certificate> presented = List.of(chain);
        if (!pins.isEmpty()) {
            for (X509Certificate c : chain) {
                if (pins.contains(Fingerprints.hex(c))) {
                    lastAccepted = presented;
                    return;
                }
            }
        }
        if (pkix != null) {
            try {
                if (socket != null) pkix.checkServerTrusted(chain, authType, socket);
                else if (engine != null) pkix.checkServerTrusted(chain, authType, engine);
                else pkix.checkServerTrusted(chain, authType);
                lastAccepted = presented;
                return;
            } catch (CertificateException e) {
                throw new Untrusted(describe(presented, e.getMessage()), presented, e);
            }
        }
        throw new Untrusted(describe(presented, "its fingerprint is not the pinned " + String.join(" or ", pins.stream().map(Fingerprints::display).toList())), presented, null);
    }

    private String describe(List<X509Certificate> chain, String why) {
        X509Certificate c = chain.getFirst();
        String fingerprint = Fingerprints.sha256(c);
        List<String> names = new ArrayList<>(SelfSignedCertificate.subjectAltNames(c));
        return "the server's TLS certificate is not trusted (" + why + "). It presented \"" + c.getSubjectX500Principal().getName() + "\""
                + (names.isEmpty() ? "" : " for " + String.join(", ", names.size() > 6 ? names.subList(0, 6) : names) + (names.size() > 6 ? ", ..." : ""))
                + ", issued by \"" + c.getIssuerX500Principal().getName() + "\", valid until " + c.getNotAfter().toInstant()
                + (c.getNotAfter().toInstant().isBefore(Instant.now()) ? " (expired)" : "")
                + ", SHA-256 fingerprint " + fingerprint + ". If that is the fingerprint the server printed when it started"
                + " (or `openssl x509 -noout -fingerprint -sha256 -in server.crt` shows on the server), trust it with --fingerprint " + fingerprint
                + " (or TRAILBOSS_FINGERPRINT); or give the CA that issued it with --ca FILE (or TRAILBOSS_CA)";
    }

    /** An extended trust manager, so the JDK leaves the host name check to this class (pins have none). */
    private final class Manager extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            accept(chain, authType, socket, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            accept(chain, authType, null, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            accept(chain, authType, null, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client trust does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client trust does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client trust does not check clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return authorities.toArray(X509Certificate[]::new);
        }
    }
}
