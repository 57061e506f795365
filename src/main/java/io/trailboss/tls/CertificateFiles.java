package io.trailboss.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's certificate chain and private key, read from PEM files and read again when they
 * change on disk (an ACME client or an internal CA renewing them): the files are looked at every
 * few seconds, and a new pair is taken only once it loads and the key matches the certificate (a
 * renewal writes two files, not at once). Listeners get each new pair.
 */
public final class CertificateFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateFiles.class);

    /** A loaded chain (the server's certificate first) and its key. */
    public record Loaded(List<X509Certificate> chain, PrivateKey key) {
        public X509Certificate certificate() {
            return chain.getFirst();
        }

        /** The server certificate's SHA-256 fingerprint, {@code AB:CD:...}. */
        public String fingerprint() {
            return Fingerprints.sha256(certificate());
        }

        /** The chain's self-signed certificate (the server's own when self-signed, else a root sent along), or null. */
        public X509Certificate selfSigned() {
            for (X509Certificate c : chain) {
                if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
                    try {
                        c.verify(c.getPublicKey());
                        return c;
                    } catch (GeneralSecurityException notSelfSigned) {
                        // issuer and subject alike by name only
                    }
                }
            }
            return null;
        }

        /** The pair as an in-memory key store, for TLS. */
        public KeyStore keyStore(char[] password) {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
                return ks;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot hold the certificate and key: " + e.getMessage(), e);
            }
        }
    }

    /** What tells a changed file: where a link points, its time and size. */
    private record Stamp(Path real, java.time.Instant modified, long size) {
        static Stamp of(Path file) {
            try {
                return new Stamp(file.toRealPath(), Files.getLastModifiedTime(file).toInstant(), Files.size(file));
            } catch (IOException e) {
                return null;
            }
        }
    }

    private final Path certificateFile;
    private final Path keyFile;
    private final List<Consumer<Loaded>> listeners = new CopyOnWriteArrayList<>();
    private volatile Loaded current;
    private Stamp certificateStamp;
    private Stamp keyStamp;
    private String lastProblem;
    private volatile Thread watcher;

    /** Reads both files now. @throws IOException naming the file and what is wrong with it */
    public CertificateFiles(Path certificateFile, Path keyFile) throws IOException {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        certificateStamp = Stamp.of(certificateFile);
        keyStamp = Stamp.of(keyFile);
        current = load(certificateFile, keyFile);
    }

    public Path certificateFile() {
        return certificateFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    public Loaded current() {
        return current;
    }

    /** {@code listener} gets every pair loaded after this call. */
    public void onChange(Consumer<Loaded> listener) {
        listeners.add(listener);
    }

    /** Looks at the files every {@code every} from now on, on a daemon thread. */
    public synchronized void watch(Duration every) {
        if (watcher != null) return;
        watcher = Thread.ofPlatform().daemon().name("tls-certificate-watch").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                check();
            }
        });
    }

    /** Reads the files again if they changed; true if a new pair was taken. */
    public synchronized boolean check() {
        Stamp c = Stamp.of(certificateFile);
        Stamp k = Stamp.of(keyFile);
        if (Objects.equals(c, certificateStamp) && Objects.equals(k, keyStamp)) return false;
        Loaded loaded;
        try {
            loaded = load(certificateFile, keyFile);
        } catch (IOException e) {
            // half renewed (a new certificate, the old key): tried again at the next look
            if (!e.getMessage().equals(lastProblem)) LOG.warn("the changed certificate files are not taken (yet): {}", e.getMessage());
            lastProblem = e.getMessage();
            return false;
        }
        certificateStamp = c;
        keyStamp = k;
        lastProblem = null;
        current = loaded;
        LOG.info("TLS certificate reloaded from {}: {}, SHA-256 fingerprint {}", certificateFile, loaded.certificate().getSubjectX500Principal().getName(), loaded.fingerprint());
        for (Consumer<Loaded> l : listeners) {
            try {
                l.accept(loaded);
            } catch (RuntimeException e) {
                LOG.error("a reloaded certificate could not be put to use", e);
            }
        }
        return true;
    }

    static Loaded load(Path certificateFile, Path keyFile) throws IOException {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = Pem.certificates(certificateFile);
            key = Pem.privateKey(keyFile);
        } catch (NoSuchFileException e) {
            throw new IOException("the file " + e.getFile() + " does not exist", e);
        }
        checkPair(chain.getFirst(), key, certificateFile, keyFile);
        return new Loaded(chain, key);
    }

    /** The key must be the certificate's: a test signature made with it must verify with the certificate's public key. */
    static void checkPair(X509Certificate certificate, PrivateKey key, Path certificateFile, Path keyFile) throws IOException {
        if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new IOException(keyFile + " holds a " + key.getAlgorithm() + " key, but the first certificate of " + certificateFile + " has a "
                    + certificate.getPublicKey().getAlgorithm() + " key: they are not a pair");
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            String algorithm = SelfSignedCertificate.signatureFor(key);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signed = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(certificate.getPublicKey());
            v.update(probe);
            if (!v.verify(signed)) throw new IOException("the key in " + keyFile + " is not the key of the first certificate in " + certificateFile);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot check that " + keyFile + " belongs to " + certificateFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        Thread w = watcher;
        if (w != null) w.interrupt();
        watcher = null;
    }
}
