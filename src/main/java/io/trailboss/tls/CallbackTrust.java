package io.trailboss.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job needs to call its server back over TLS (the shell action's scripts, the ansible
 * action's ARA callback): {@code TRAILBOSS_CA}, a PEM file of the certificates that identify the
 * server, and {@code SSL_CERT_FILE}, {@code CURL_CA_BUNDLE} and {@code REQUESTS_CA_BUNDLE}, a
 * bundle of the system's CAs plus those, so that curl, OpenSSL and Python's requests trust the
 * server without losing the CAs they trusted before.
 */
public final class CallbackTrust {
    public static final String CA_FILE = "callback-ca.pem";
    public static final String BUNDLE_FILE = "callback-ca-bundle.pem";
    private static final List<String> SYSTEM_BUNDLES = List.of("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem");

    private CallbackTrust() {}

    /** Writes the files into {@code dir} and answers the variables naming them. */
    public static Map<String, String> environment(List<X509Certificate> trusted, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path ca = dir.resolve(CA_FILE).toAbsolutePath();
        Path bundle = dir.resolve(BUNDLE_FILE).toAbsolutePath();
        String ours = Pem.encode(trusted);
        Pem.write(ca, ours, false);
        String system = systemBundle();
        Pem.write(bundle, system.isEmpty() || system.endsWith("\n") ? system + ours : system + "\n" + ours, false);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TRAILBOSS_CA", ca.toString());
        env.put("SSL_CERT_FILE", bundle.toString());
        env.put("CURL_CA_BUNDLE", bundle.toString());
        env.put("REQUESTS_CA_BUNDLE", bundle.toString());
        return Map.copyOf(env);
    }

    /** The CA bundle OpenSSL-based tools read here: SSL_CERT_FILE if set, else the distribution's. */
    private static String systemBundle() throws IOException {
        String set = System.getenv("SSL_CERT_FILE");
        List<String> candidates = set != null && !set.isBlank() ? java.util.stream.Stream.concat(java.util.stream.Stream.of(set), SYSTEM_BUNDLES.stream()).toList() : SYSTEM_BUNDLES;
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && Files.isReadable(p)) return Files.readString(p, StandardCharsets.ISO_8859_1);
        }
        return "";
    }
}
