package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A server running open on a loopback address trusts whoever reaches it, so nobody may reach it through
 * another site's page: cross-origin changes and foreign host names (DNS rebinding) are refused.
 */
class OpenModeTest {
    private static final String FLOW = "version: '2.0'\nprobe:\n  tasks:\n    one:\n      action: std.noop\n";
    private TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.tb.auth().required()).isFalse();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private long workflows() {
        return server.tb.database().jdbi().withHandle(h -> h.createQuery("select count(*) from workflow").mapTo(Long.class).one());
    }

    @Test
    void a_change_sent_by_another_sites_page_is_refused_and_changes_nothing() {
        HttpResponse<String> fromEvil = server.raw("PUT", "/api/v1/workflows",
                Map.of("Content-Type", "text/plain", "Origin", "http://evil.example"), FLOW);
        assertThat(fromEvil.statusCode()).as(fromEvil.body()).isEqualTo(403);
        assertThat(fromEvil.body()).contains("from another origin");
        HttpResponse<String> crossSite = server.raw("PUT", "/api/v1/workflows",
                Map.of("Content-Type", "text/yaml", "Sec-Fetch-Site", "cross-site"), FLOW);
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> opaque = server.raw("PUT", "/api/v1/workflows", Map.of("Content-Type", "text/yaml", "Origin", "null"), FLOW);
        assertThat(opaque.statusCode()).isEqualTo(403);
        assertThat(workflows()).isZero();

        // the server's own pages, the CLI and curl (no Origin) keep working
        String self = server.base;
        assertThat(server.raw("PUT", "/api/v1/workflows", Map.of("Content-Type", "text/yaml", "Origin", self, "Sec-Fetch-Site", "same-origin"), FLOW)
                .statusCode()).isEqualTo(200);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", FLOW).status()).isEqualTo(200);
        // reads from anywhere stay readable (a cross-origin page cannot read the answer without CORS anyway)
        assertThat(server.raw("GET", "/api/v1/workflows", Map.of("Origin", "http://evil.example"), null).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({"evil.example, 403", "rebound.attacker.test:8080, 403", "localhost, 200", "127.0.0.1, 200", "'[::1]', 200", "app.localhost, 200"})
    void a_loopback_server_running_open_answers_only_to_loopback_host_names(String host, int status) throws Exception {
        int port = Integer.parseInt(server.base.substring(server.base.lastIndexOf(':') + 1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/v1/workflows HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).as(answer).startsWith("HTTP/1.1 " + status);
        }
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1, true, OPEN", "localhost, true, OPEN", "::1, true, OPEN", "[::1], true, OPEN",
            "0.0.0.0, true, REQUIRED", "::, true, REQUIRED", "10.0.0.1, true, REQUIRED", "127.0.0.1, false, REQUIRED",
            "0.0.0.0, false, REQUIRED"})
    void the_server_runs_open_by_default_only_on_a_loopback_address_with_the_embedded_database(String host, boolean embedded, Auth.Mode mode) {
        assertThat(Auth.Mode.defaultFor(host, embedded)).isEqualTo(mode);
    }
}
