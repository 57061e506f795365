package io.trailboss.auth;

import static io.trailboss.auth.SecuredServer.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.MutableClock;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Logging in with a password, the session cookie and its CSRF token, logout, API token expiry and revocation, HTTP Basic on /ara. */
class LoginAndTokensTest {
    private static final String PASSWORD = "correct horse battery";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private TestServer server;

    @BeforeEach
    void start() {
        server = new TestServer(TestDatabases.h2(), clock, Auth.Mode.REQUIRED);
        TestServer.Answer a = server.postJson("/api/v1/users", Map.of("username", "ada", "password", PASSWORD, "roles", List.of("operator")));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        assertThat(a.body()).doesNotContain(PASSWORD).doesNotContain("argon2");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** As a browser logs in: the login page first (its token in a cookie and in the form), then the form. */
    private HttpResponse<String> formLogin(String username, String password, String next) {
        LoginPage page = loginPage();
        String form = "_csrf=" + enc(page.field()) + "&username=" + enc(username) + "&password=" + enc(password) + (next == null ? "" : "&next=" + enc(next));
        return server.raw("POST", "/login", Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html", "Cookie", page.cookie()), form);
    }

    /** The login page's token as its cookie ({@code name=value}) and as the form's hidden field. */
    private record LoginPage(String cookie, String field) {}

    private LoginPage loginPage() {
        HttpResponse<String> page = server.raw("GET", "/login", Map.of("Accept", "text/html"), null);
        String set = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("tb_login_csrf=")).findFirst().orElseThrow();
        java.util.regex.Matcher field = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(field.find()).as(page.body()).isTrue();
        return new LoginPage(set.substring(0, set.indexOf(';')), field.group(1));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String cookie(HttpResponse<String> login) {
        String set = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("tb_session=")).findFirst().orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    private HttpResponse<String> withCookie(String cookie, String method, String path, Map<String, String> more, String body) {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>(more);
        headers.put("Cookie", cookie);
        return server.raw(method, path, headers, body);
    }

    @Test
    void a_login_verifies_the_password_once_and_the_session_cookie_costs_no_kdf() {
        assertThat(server.raw("GET", "/login?next=/x", Map.of(), null).body()).contains("<form method=\"post\" action=\"/login\"", "name=\"next\" value=\"/x\"");
        long before = server.tb.auth().passwords().computed();
        HttpResponse<String> login = formLogin("ada", PASSWORD, "/executions?state=RUNNING");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).hasValue("/executions?state=RUNNING");
        String set = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("tb_session=")).findFirst().orElseThrow();
        assertThat(set).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");
        assertThat(server.tb.auth().passwords().computed()).isEqualTo(before + 1);
        String cookie = cookie(login);
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> me = withCookie(cookie, "GET", "/api/v1/me", Map.of(), null);
            assertThat(me.statusCode()).isEqualTo(200);
            assertThat(SecuredServer.json(me)).containsEntry("name", "ada").containsEntry("kind", "user").containsEntry("roles", List.of("operator"));
        }
        assertThat(server.tb.auth().passwords().computed()).isEqualTo(before + 1);
        // the session id is stored only as its hash
        String id = cookie.substring("tb_session=".length());
        long rows = server.tb.database().jdbi().withHandle(h -> h.createQuery("select count(*) from user_session where id_hash = :id").bind("id", id).mapTo(Long.class).one());
        assertThat(rows).isZero();
    }

    @Test
    void a_wrong_password_is_401_and_does_not_say_whether_the_user_exists() {
        HttpResponse<String> wrong = server.raw("POST", "/login", Map.of("Content-Type", "application/json"), Json.write(Map.of("username", "ada", "password", "nope-nope")));
        HttpResponse<String> unknown = server.raw("POST", "/login", Map.of("Content-Type", "application/json"), Json.write(Map.of("username", "nobody", "password", "nope-nope")));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo(unknown.body());
        assertThat(wrong.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("tb_session="));
        HttpResponse<String> page = formLogin("ada", "nope-nope", "/");
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.body()).contains("Wrong username or password.").doesNotContain("nope-nope");
    }

    @Test
    void five_failures_in_a_minute_make_the_next_login_a_429_with_retry_after_even_with_the_right_password() {
        for (int i = 0; i < 5; i++) assertThat(formLogin("ada", "wrong-" + i, null).statusCode()).isEqualTo(401);
        HttpResponse<String> limited = formLogin("ada", PASSWORD, null);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
        // Basic on /ara counts against the same limit, so it cannot be used to guess instead
        String basic = "Basic " + Base64.getEncoder().encodeToString(("ada:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(server.raw("GET", "/ara/api/v1/playbooks", Map.of("Authorization", basic), null).statusCode()).isEqualTo(429);
        clock.advance(Duration.ofSeconds(61));
        assertThat(formLogin("ada", PASSWORD, null).statusCode()).isEqualTo(303);
    }

    /** A request sent from another loopback address (127.0.0.N), as a client elsewhere would: status line and body. */
    private String fromAddress(String address, String method, String path, Map<String, String> headers, String body) throws java.io.IOException {
        java.net.URI uri = java.net.URI.create(server.base);
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(address, 0));
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(30_000);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nConnection: close\r\nContent-Length: " + bytes.length + "\r\n");
            headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
            socket.getOutputStream().write((request + "\r\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String jsonLoginFrom(String address, String password) throws java.io.IOException {
        return fromAddress(address, "POST", "/login", Map.of("Content-Type", "application/json"), Json.write(Map.of("username", "ada", "password", password)));
    }

    @Test
    void failed_logins_from_other_addresses_never_lock_a_user_out_of_their_own() throws Exception {
        // five wrong passwords from each of several addresses: each of those addresses is held back, for this user
        for (int a = 2; a <= 4; a++) {
            for (int i = 0; i < 5; i++) assertThat(jsonLoginFrom("127.0.0." + a, "wrong-" + i)).startsWith("HTTP/1.1 401");
            assertThat(jsonLoginFrom("127.0.0." + a, PASSWORD)).startsWith("HTTP/1.1 429");
        }
        // more addresses: past 20 failures a minute the user is under attack, and each failing address gets one try a minute
        for (int a = 11; a <= 16; a++) assertThat(jsonLoginFrom("127.0.0." + a, "wrong")).startsWith("HTTP/1.1 401");
        assertThat(jsonLoginFrom("127.0.0.11", "wrong")).startsWith("HTTP/1.1 429");
        // the user, from their own address, logs in, with a form, with JSON, and with Basic on /ara (as ARA's callback does)
        assertThat(formLogin("ada", PASSWORD, "/").statusCode()).isEqualTo(303);
        assertThat(jsonLoginFrom("127.0.0.9", PASSWORD)).startsWith("HTTP/1.1 200");
        String basic = "Basic " + Base64.getEncoder().encodeToString(("ada:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(fromAddress("127.0.0.10", "GET", "/ara/api/v1/playbooks", Map.of("Authorization", basic), null)).startsWith("HTTP/1.1 200");
        // an attacking address that used its five gets one more try every 12 s
        clock.advance(Duration.ofSeconds(10));
        assertThat(jsonLoginFrom("127.0.0.2", "wrong-again")).startsWith("HTTP/1.1 429");
        clock.advance(Duration.ofSeconds(3));
        assertThat(jsonLoginFrom("127.0.0.2", "wrong-again")).startsWith("HTTP/1.1 401");
        assertThat(jsonLoginFrom("127.0.0.2", "wrong-again")).startsWith("HTTP/1.1 429");
    }

    @Test
    void a_login_from_another_sites_page_or_without_the_login_pages_token_gets_no_session() {
        LoginPage page = loginPage();
        assertThat(page.cookie()).startsWith("tb_login_csrf=");
        String set = server.raw("GET", "/login", Map.of(), null).headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("tb_login_csrf=")).findFirst().orElseThrow();
        assertThat(set).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/login");
        String form = "username=ada&password=" + enc(PASSWORD);
        Map<String, String> formType = Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html");
        java.util.List<HttpResponse<String>> refused = new java.util.ArrayList<>();
        // a cross-site form: no token (the attacker's page cannot read the cookie), or the browser says where it comes from
        refused.add(server.raw("POST", "/login", formType, form));
        refused.add(server.raw("POST", "/login", with(formType, "Cookie", page.cookie()), form + "&_csrf=" + enc("x" + page.field().substring(1))));
        refused.add(server.raw("POST", "/login", with(with(formType, "Cookie", page.cookie()), "Origin", "http://evil.example"), form + "&_csrf=" + enc(page.field())));
        refused.add(server.raw("POST", "/login", with(with(formType, "Cookie", page.cookie()), "Sec-Fetch-Site", "cross-site"), form + "&_csrf=" + enc(page.field())));
        refused.add(server.raw("POST", "/login", Map.of("Content-Type", "application/json", "Origin", "http://evil.example"),
                Json.write(Map.of("username", "ada", "password", PASSWORD))));
        for (HttpResponse<String> r : refused) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(r.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("tb_session="));
        }
        assertThat(refused.getFirst().body()).contains("<form method=\"post\" action=\"/login\"").contains("did not come from this server");
        // the same form from this server's own page, and a same-origin browser request, log in
        HttpResponse<String> own = server.raw("POST", "/login", with(with(formType, "Cookie", page.cookie()), "Sec-Fetch-Site", "same-origin"),
                form + "&_csrf=" + enc(page.field()));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(303);
        assertThat(own.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("tb_session="));
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> out = new java.util.LinkedHashMap<>(headers);
        out.put(name, value);
        return out;
    }

    @Test
    void a_cookie_authenticated_change_needs_the_csrf_token_and_logout_ends_the_session() {
        HttpResponse<String> login = server.raw("POST", "/login", Map.of("Content-Type", "application/json"), Json.write(Map.of("username", "ada", "password", PASSWORD)));
        assertThat(login.statusCode()).isEqualTo(200);
        String csrf = (String) SecuredServer.json(login).get("csrf");
        String cookie = cookie(login);
        assertThat(withCookie(cookie, "GET", "/api/v1/me", Map.of(), null).body()).contains("\"csrf\":\"" + csrf + "\"");
        String target = Json.write(Map.of("kind", "machine", "name", "web1"));
        HttpResponse<String> noToken = withCookie(cookie, "POST", "/api/v1/targets", Map.of("Content-Type", "application/json"), target);
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("CSRF");
        assertThat(server.get("/api/v1/targets/web1").status()).isEqualTo(404);
        HttpResponse<String> wrongToken = withCookie(cookie, "POST", "/api/v1/targets", Map.of("Content-Type", "application/json", "X-CSRF-Token", "x" + csrf), target);
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> withToken = withCookie(cookie, "POST", "/api/v1/targets", Map.of("Content-Type", "application/json", "X-CSRF-Token", csrf), target);
        assertThat(withToken.statusCode()).as(withToken.body()).isEqualTo(201);

        HttpResponse<String> logoutWithout = withCookie(cookie, "POST", "/logout", Map.of("Content-Type", "application/x-www-form-urlencoded"), "");
        assertThat(logoutWithout.statusCode()).isEqualTo(403);
        HttpResponse<String> logout = withCookie(cookie, "POST", "/logout", Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"), "_csrf=" + enc(csrf));
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(withCookie(cookie, "GET", "/api/v1/me", Map.of(), null).statusCode()).isEqualTo(401);
    }

    @Test
    void the_page_after_login_is_only_a_path_on_this_server() {
        for (String evil : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)")) {
            HttpResponse<String> login = formLogin("ada", PASSWORD, evil);
            assertThat(login.statusCode()).isEqualTo(303);
            assertThat(login.headers().firstValue("Location")).as(evil).hasValue("/");
        }
    }

    @Test
    void an_expired_token_and_a_revoked_token_are_refused() {
        TestServer.Answer issued = server.postJson("/api/v1/tokens", Map.of("name", "ci", "roles", List.of("viewer"), "expires_in_days", 1));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String secret = (String) issued.map().get("token");
        assertThat(secret).startsWith("tbk_").hasSizeGreaterThan(40);
        assertThat(server.get("/api/v1/tokens").body()).doesNotContain(secret);
        assertThat(as(server, secret, "GET", "/api/v1/workflows", null, null).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofDays(2));
        HttpResponse<String> expired = as(server, secret, "GET", "/api/v1/workflows", null, null);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.headers().firstValue("WWW-Authenticate")).isPresent();

        TestServer.Answer personal = server.postJson("/api/v1/tokens", Map.of("name", "ada-cli", "kind", "personal", "user", "ada"));
        assertThat(personal.status()).as(personal.body()).isEqualTo(201);
        String adaToken = (String) personal.map().get("token");
        HttpResponse<String> me = as(server, adaToken, "GET", "/api/v1/me", null, null);
        assertThat(SecuredServer.json(me)).containsEntry("name", "ada").containsEntry("roles", List.of("operator"));
        assertThat(server.send("DELETE", "/api/v1/tokens/" + personal.map().get("id"), null, null).status()).isEqualTo(200);
        assertThat(as(server, adaToken, "GET", "/api/v1/me", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void a_disabled_user_loses_their_session_and_personal_tokens() {
        HttpResponse<String> login = formLogin("ada", PASSWORD, null);
        String cookie = cookie(login);
        String token = (String) server.postJson("/api/v1/tokens", Map.of("name", "ada-cli", "user", "ada")).map().get("token");
        assertThat(as(server, token, "GET", "/api/v1/me", null, null).statusCode()).isEqualTo(200);
        assertThat(server.postJson("/api/v1/users/ada/disable", Map.of()).status()).isEqualTo(200);
        assertThat(withCookie(cookie, "GET", "/api/v1/me", Map.of(), null).statusCode()).isEqualTo(401);
        assertThat(as(server, token, "GET", "/api/v1/me", null, null).statusCode()).isEqualTo(401);
        assertThat(formLogin("ada", PASSWORD, null).statusCode()).isEqualTo(401);
    }

    @Test
    void a_new_password_ends_the_sessions_the_old_one_opened() {
        String cookie = cookie(formLogin("ada", PASSWORD, null));
        assertThat(withCookie(cookie, "GET", "/api/v1/me", Map.of(), null).statusCode()).isEqualTo(200);
        assertThat(server.send("PUT", "/api/v1/users/ada/password", "application/json", "{\"password\": \"a brand new passphrase\"}").status()).isEqualTo(204);
        assertThat(withCookie(cookie, "GET", "/api/v1/me", Map.of(), null).statusCode()).isEqualTo(401);
        assertThat(formLogin("ada", PASSWORD, null).statusCode()).isEqualTo(401);
        assertThat(formLogin("ada", "a brand new passphrase", null).statusCode()).isEqualTo(303);
    }

    @Test
    void basic_on_ara_takes_a_password_verified_once_per_ttl_or_an_api_token() {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("ada:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        long before = server.tb.auth().passwords().computed();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = server.raw("POST", "/ara/api/v1/playbooks", Map.of("Authorization", basic, "Content-Type", "application/json"),
                    Json.write(Map.of("path", "/p" + i + ".yml", "status", "running", "ansible_version", "2.14.0")));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        assertThat(server.tb.auth().passwords().computed()).isEqualTo(before + 1);
        String token = SecuredServer.serviceToken(server, "recorder", "operator");
        String tokenBasic = "Basic " + Base64.getEncoder().encodeToString(("anyone:" + token).getBytes(StandardCharsets.UTF_8));
        assertThat(server.raw("GET", "/ara/api/v1/playbooks", Map.of("Authorization", tokenBasic), null).statusCode()).isEqualTo(200);
        String wrong = "Basic " + Base64.getEncoder().encodeToString("ada:wrong-password".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> refused = server.raw("GET", "/ara/api/v1/playbooks", Map.of("Authorization", wrong), null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    }
}
