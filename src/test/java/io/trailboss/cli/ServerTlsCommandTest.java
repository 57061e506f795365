package io.trailboss.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestCertificates;
import io.trailboss.tls.ClientTrust;
import io.trailboss.tls.Fingerprints;
import io.trailboss.tls.Pem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code trailboss server} as a process: listening beyond loopback without a certificate it makes a
 * self-signed one under its data directory, prints its fingerprint, and serves it again after a
 * restart; plain HTTP beyond loopback only when asked, and said loudly.
 */
class ServerTlsCommandTest {
    private static final Pattern FINGERPRINT = Pattern.compile("TLS certificate SHA-256 fingerprint: ([0-9A-F:]{95})");

    private record Started(Process process, Path log) {
        String output() throws IOException {
            return Files.readString(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Started server(Path data, int port, String... more) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "server",
                "--host", "0.0.0.0", "--port", String.valueOf(port), "--data", data.toString()));
        cmd.addAll(List.of(more));
        Path log = Files.createTempFile(data.getParent(), "server-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TRAILBOSS_ADMIN_PASSWORD", "a-long-admin-password");
        return new Started(pb.start(), log);
    }

    private static String awaitLine(Started s, String marker) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!s.process().isAlive()) throw new AssertionError("the server exited: " + s.output());
            return s.output().contains(marker);
        });
        try {
            return s.output();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stop(Started s) throws InterruptedException {
        s.process().destroy();
        if (!s.process().waitFor(30, TimeUnit.SECONDS)) s.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void beyond_loopback_the_server_makes_a_self_signed_certificate_prints_its_fingerprint_and_keeps_it_across_restarts() throws Exception {
        Path data = Files.createTempDirectory("tb-server-tls-").resolve("data");
        int port = freePort();
        Started first = server(data, port);
        String fingerprint;
        try {
            String out = awaitLine(first, "authentication required");
            assertThat(out).contains("trailboss listening on https://0.0.0.0:" + port).contains("made a new self-signed one in " + data.resolve("tls"));
            Matcher m = FINGERPRINT.matcher(out);
            assertThat(m.find()).as(out).isTrue();
            fingerprint = m.group(1);
            assertThat(Fingerprints.sha256(Pem.certificates(data.resolve("tls/server.crt")).getFirst())).isEqualTo(fingerprint);
            assertThat(Fingerprints.sha256(TestCertificates.presented(port))).isEqualTo(fingerprint);

            // a client pinned to the printed fingerprint gets HTTP/2 over TLS on 127.0.0.1
            HttpClient pinned = HttpClient.newBuilder().sslContext(ClientTrust.of(null, List.of(fingerprint)).sslContext()).build();
            HttpResponse<String> health = pinned.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
            // the CLI pinned the same way
            CliRun.Result cli = CliRun.run("workflows", "list", "--server", "https://127.0.0.1:" + port, "--fingerprint", fingerprint, "--token", "nope");
            assertThat(cli.err()).contains("error 401");
            CliRun.Result unpinned = CliRun.run("workflows", "list", "--server", "https://127.0.0.1:" + port);
            assertThat(unpinned.exit()).isNotZero();
            assertThat(unpinned.err()).startsWith("error: the server's TLS certificate is not trusted").contains(fingerprint).contains("--fingerprint " + fingerprint);
        } finally {
            stop(first);
        }

        Started second = server(data, port);
        try {
            String out = awaitLine(second, "authentication required");
            assertThat(out).contains("the self-signed one in " + data.resolve("tls")).doesNotContain("made a new");
            assertThat(out).contains("TLS certificate SHA-256 fingerprint: " + fingerprint);
            assertThat(Fingerprints.sha256(TestCertificates.presented(port))).isEqualTo(fingerprint);
        } finally {
            stop(second);
        }
    }

    @Test
    void plain_http_beyond_loopback_only_when_asked_and_said_loudly() throws Exception {
        Path data = Files.createTempDirectory("tb-server-tls-").resolve("data");
        int port = freePort();
        Started s = server(data, port, "--insecure-http");
        try {
            String out = awaitLine(s, "authentication required");
            assertThat(out).contains("trailboss listening on http://0.0.0.0:" + port).contains("WARNING: PLAIN HTTP on 0.0.0.0:" + port + " (--insecure-http)")
                    .contains("UNENCRYPTED").doesNotContain("fingerprint");
            assertThat(Files.exists(data.resolve("tls/server.crt"))).isFalse();
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            stop(s);
        }
        CliRun.Result half = CliRun.run("server", "--tls-cert", data.resolve("x.crt").toString());
        assertThat(half.exit()).isEqualTo(2);
        assertThat(half.err()).contains("--tls-cert and --tls-key go together");
        CliRun.Result contradiction = CliRun.run("server", "--tls-cert", "a.crt", "--tls-key", "a.key", "--tls", "off");
        assertThat(contradiction.exit()).isEqualTo(2);
        assertThat(contradiction.err()).contains("TLS is off");
        CliRun.Result proxies = CliRun.run("server", "--trusted-proxies", "10.0.0.0/8,proxy.example");
        assertThat(proxies.exit()).isEqualTo(2);
        assertThat(proxies.err()).contains("'proxy.example' is not an IP address");
    }
}
