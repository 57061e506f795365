package io.trailboss.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.trailboss.auth.Auth;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * In a real browser, with authentication required: the login form at /login logs a person in and takes them
 * where they were going; another site's page that posts the same form with the right password gets no session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginFormBrowserTest {
    private static final String PASSWORD = "a long and right password";
    private TestServer server;
    private HttpServer elsewhere;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        TestServer.Answer a = server.postJson("/api/v1/users", Map.of("username", "ada", "password", PASSWORD, "roles", List.of("operator")));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        // another site: "localhost" is not the same site as "127.0.0.1", whatever the ports
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            byte[] page = ("""
                    <!doctype html><html><body>
                    <form method="post" action="%s/login">
                      <input name="username" value="ada"><input name="password" value="%s"><input name="next" value="/ui">
                    </form>
                    <script>document.forms[0].submit()</script>
                    </body></html>""").formatted(server.base, PASSWORD).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        elsewhere.start();
        browser = new Browser(1024, 800);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (elsewhere != null) elsewhere.stop(0);
        if (server != null) server.close();
    }

    @BeforeEach
    void forgetCookies() {
        browser.driver.get(server.base + "/health/live");
        browser.driver.manage().deleteAllCookies();
    }

    @Test
    void the_login_form_logs_a_person_in_and_takes_them_where_they_were_going() {
        browser.driver.get(server.base + "/ui/executions");
        browser.waiting(10).until(ExpectedConditions.urlContains("/login?next="));
        browser.driver.findElement(By.name("username")).sendKeys("ada");
        browser.driver.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
        browser.waiting(10).until(ExpectedConditions.urlToBe(server.base + "/ui/executions"));
        assertThat(browser.driver.manage().getCookieNamed("tb_session")).isNotNull();
        assertThat(browser.driver.getPageSource()).doesNotContain("Log in</button>");
    }

    @Test
    void another_sites_page_posting_the_login_form_gets_no_session() {
        browser.driver.get("http://localhost:" + elsewhere.getAddress().getPort() + "/");
        browser.waiting(10).until(ExpectedConditions.urlToBe(server.base + "/login"));
        assertThat(browser.driver.getPageSource()).contains("another site");
        assertThat(browser.driver.manage().getCookieNamed("tb_session")).isNull();
        browser.driver.get(server.base + "/ui/executions");
        browser.waiting(10).until(ExpectedConditions.urlContains("/login?next="));
    }
}
