package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trailboss.auth.Auth;
import io.trailboss.testing.TestCertificates;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import io.trailboss.tls.CertificateFiles;
import io.trailboss.tls.ClientTrust;
import io.trailboss.tls.Fingerprints;
import io.trailboss.tls.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server over TLS with a certificate chain and key given as PEM files (issued by a test CA):
 * HTTPS with HTTP/2 for clients that offer it, HSTS, a {@code Secure} session cookie, and a
 * certificate renewed on disk served to new connections without a restart.
 */
class HttpsTest {
    private static CertificateFiles files(TestCertificates.Issued issued) throws Exception {
        return new CertificateFiles(issued.certificate(), issued.key());
    }

    private static HttpClient trusting(Path ca, HttpClient.Version version) {
        return HttpClient.newBuilder().version(version).sslContext(ClientTrust.of(ca, List.of()).sslContext()).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void serves_https_with_the_given_chain_and_pkcs1_key_with_hsts_and_http2_for_clients_that_offer_it() throws Exception {
        Path dir = Files.createTempDirectory("tb-https-");
        TestCertificates.Authority ca = TestCertificates.authority(dir, "test");
        TestCertificates.Issued issued = ca.issue(dir, "server", List.of("localhost", "127.0.0.1"), false);
        assertThat(Files.readString(issued.key())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), null, ApiServer.Transport.https(files(issued)))) {
            assertThat(server.base).startsWith("https://127.0.0.1:");

            HttpResponse<String> h2 = trusting(ca.file(), HttpClient.Version.HTTP_2)
                    .send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(h2.statusCode()).isEqualTo(200);
            assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(h2.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");

            HttpResponse<String> h1 = trusting(ca.file(), HttpClient.Version.HTTP_1_1)
                    .send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(h1.statusCode()).isEqualTo(200);
            assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(h1.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");

            // the certificate was checked against the CA and the host name; another CA is refused, saying what was presented
            TestCertificates.Authority other = TestCertificates.authority(dir, "other");
            assertThatThrownBy(() -> trusting(other.file(), HttpClient.Version.HTTP_2)
                    .send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString()))
                    .satisfies(e -> assertThat(ClientTrust.refusal(e)).hasValueSatisfying(m -> assertThat(m)
                            .contains("not trusted").contains("CN=localhost").contains(issued.fingerprint()).contains("--fingerprint " + issued.fingerprint())));
        }
    }

    @Test
    void login_over_https_sets_a_secure_session_cookie() throws Exception {
        Path dir = Files.createTempDirectory("tb-https-");
        TestCertificates.Authority ca = TestCertificates.authority(dir, "test");
        TestCertificates.Issued issued = ca.issue(dir, "server", List.of("127.0.0.1"), true);
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED, ApiServer.Transport.https(files(issued)))) {
            HttpResponse<String> login = trusting(ca.file(), HttpClient.Version.HTTP_2).send(HttpRequest.newBuilder(URI.create(server.base + "/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"admin\", \"password\": \"" + server.adminPassword + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(login.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("tb_session=").contains("Secure").contains("HttpOnly"));
        }
    }

    @Test
    void a_certificate_renewed_on_disk_is_served_to_new_connections_without_a_restart() throws Exception {
        Path dir = Files.createTempDirectory("tb-https-");
        TestCertificates.Authority ca = TestCertificates.authority(dir, "test");
        TestCertificates.Issued first = ca.issue(dir, "server", List.of("localhost", "127.0.0.1"), false);
        CertificateFiles files = files(first);
        files.watch(Duration.ofMillis(200));
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), null, ApiServer.Transport.https(files))) {
            int port = server.api.port();
            assertThat(Fingerprints.sha256(TestCertificates.presented(port))).isEqualTo(first.fingerprint());

            // a renewal writes the certificate first, the key a moment later: the new certificate with the old key is not taken
            TestCertificates.Issued renewed = ca.issue(Files.createTempDirectory(dir, "renewed-"), "server", List.of("localhost", "127.0.0.1"), false);
            Files.copy(renewed.certificate(), first.certificate(), StandardCopyOption.REPLACE_EXISTING);
            Thread.sleep(1000);
            assertThat(Fingerprints.sha256(TestCertificates.presented(port))).isEqualTo(first.fingerprint());
            Files.copy(renewed.key(), first.key(), StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Fingerprints.sha256(TestCertificates.presented(port)).equals(renewed.fingerprint()));
            // the server keeps working for clients trusting the CA, and jobs are given the new chain to call back with
            HttpResponse<String> after = trusting(ca.file(), HttpClient.Version.HTTP_2)
                    .send(HttpRequest.newBuilder(URI.create(server.base + "/api/v1/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> callbackCa(server).contains(renewed.leaf().getSerialNumber()));
        }
    }

    /** The serial numbers of the certificates jobs of this server are told to trust it by. */
    private static List<java.math.BigInteger> callbackCa(TestServer server) throws Exception {
        String file = server.tb.callbackEnvironment().get("TRAILBOSS_CA");
        return Pem.certificates(Path.of(file)).stream().map(java.security.cert.X509Certificate::getSerialNumber).toList();
    }

    @Test
    void refuses_a_key_that_is_not_the_certificates_naming_both_files() throws Exception {
        Path dir = Files.createTempDirectory("tb-https-");
        TestCertificates.Authority ca = TestCertificates.authority(dir, "test");
        TestCertificates.Issued a = ca.issue(dir, "a", List.of("localhost"), false);
        TestCertificates.Issued b = ca.issue(dir, "b", List.of("localhost"), false);
        assertThatThrownBy(() -> new CertificateFiles(a.certificate(), b.key()))
                .hasMessageContaining(b.key().toString()).hasMessageContaining(a.certificate().toString()).hasMessageContaining("not the key");
        Path encrypted = dir.resolve("encrypted.key");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> new CertificateFiles(a.certificate(), encrypted)).hasMessageContaining(encrypted.toString());
    }
}
