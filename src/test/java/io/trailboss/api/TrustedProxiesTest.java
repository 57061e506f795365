package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.auth.Auth;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code X-Forwarded-*} headers count only from the addresses of {@code --trusted-proxies}: from
 * anyone else a claimed {@code https} changes nothing (no {@code Secure} cookie, no HSTS, the
 * client address stays the connection's).
 */
class TrustedProxiesTest {
    private static HttpResponse<String> login(TestServer server, Map<String, String> forwarded) {
        Map<String, String> headers = new java.util.HashMap<>(forwarded);
        headers.put("Content-Type", "application/json");
        return server.raw("POST", "/login", headers, "{\"username\": \"admin\", \"password\": \"" + server.adminPassword + "\"}");
    }

    private static final Map<String, String> FORWARDED_HTTPS = Map.of("X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9");

    @Test
    void a_forged_x_forwarded_proto_from_an_address_not_trusted_is_ignored() {
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED)) {
            HttpResponse<String> r = login(server, FORWARDED_HTTPS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("tb_session=").doesNotContain("Secure"));
            assertThat(r.headers().firstValue("Strict-Transport-Security")).isEmpty();
            assertThat(lastLoginAddress(server)).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void x_forwarded_headers_from_a_trusted_proxy_make_the_request_secure_and_name_the_client() {
        ApiServer.Transport behindProxy = new ApiServer.Transport(null, List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.1/32")), null);
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED, behindProxy)) {
            HttpResponse<String> r = login(server, FORWARDED_HTTPS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith("tb_session=").contains("Secure"));
            assertThat(r.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
            assertThat(lastLoginAddress(server)).isEqualTo("203.0.113.9");
            // the proxy talking plain HTTP for itself: nothing claimed, nothing changed
            HttpResponse<String> plain = login(server, Map.of());
            assertThat(plain.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).doesNotContain("Secure"));
        }
    }

    @Test
    void ranges_are_checked_when_given() {
        assertThat(Cidr.parse("10.1.0.0/16").contains(address("10.1.200.3"))).isTrue();
        assertThat(Cidr.parse("10.1.0.0/16").contains(address("10.2.0.1"))).isFalse();
        assertThat(Cidr.parse("192.0.2.7").contains(address("192.0.2.7"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(address("fd00::2"))).isTrue();
        assertThat(Cidr.parse("127.0.0.0/8").contains(address("::ffff:127.0.0.5"))).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("proxy.example")).hasMessageContaining("'proxy.example' is not an IP address");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length must be 0 to 32");
    }

    private static java.net.InetAddress address(String literal) {
        try {
            return java.net.InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client address the audit log recorded for the last login. */
    @SuppressWarnings("unchecked")
    private static String lastLoginAddress(TestServer server) {
        var audit = server.get("/api/v1/audit?action=login&limit=1");
        for (Object o : (List<Object>) audit.map().get("items")) {
            Map<String, Object> e = (Map<String, Object>) o;
            return String.valueOf(e.get("detail")).replaceFirst("^from ", "");
        }
        throw new AssertionError("no login in the audit log: " + audit.body());
    }
}
