package io.trailboss.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;

import io.trailboss.api.ApiServer;
import io.trailboss.auth.Auth;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import io.trailboss.tls.CertificateFiles;
import io.trailboss.tls.Fingerprints;
import io.trailboss.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The web UI in a real browser over HTTPS, with the server's self-signed certificate trusted by
 * its public key only ({@code --ignore-certificate-errors-spki-list}): a login over HTTP/2 whose
 * session cookie is {@code Secure}, then a change from the page; and a server running open on
 * loopback over HTTPS ({@code --tls on}), whose host and origin checks read HTTP/2's authority
 * (HTTP/2 has no Host header).
 */
class WebUiOverHttpsBrowserTest {
    private static final String PATCH_FROM_THE_PAGE = """
            const done = arguments[arguments.length - 1];
            fetch('/api/v1/targets/secure.example', {method: 'PATCH', headers: {'Content-Type': 'application/json',
                'X-CSRF-Token': document.querySelector('meta[name=csrf-token]')?.content || ''},
                body: JSON.stringify({labels: {tier: 'gold'}})}).then(r => done(r.status), e => done(String(e)));
            """;

    private static CertificateFiles certificate() throws Exception {
        Path dir = Files.createTempDirectory("tb-ui-https-");
        SelfSignedCertificate.Made made = SelfSignedCertificate.ensure(dir, List.of(), Clock.systemUTC());
        return new CertificateFiles(made.certificate(), made.key());
    }
    @Test
    void logs_in_over_https_with_http2_and_a_secure_session_cookie_then_changes_something() throws Exception {
        CertificateFiles certificate = certificate();
        String spki = Fingerprints.spkiSha256Base64(certificate.current().certificate());
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED, ApiServer.Transport.https(certificate));
             Browser browser = new Browser(1280, 900, "--ignore-certificate-errors-spki-list=" + spki)) {
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "secure.example")).status()).isEqualTo(201);
            browser.driver.get(server.base + "/ui/targets/secure.example");
            browser.waiting(30).until(presenceOfElementLocated(By.name("username")));
            browser.driver.findElement(By.name("username")).sendKeys("admin");
            browser.driver.findElement(By.name("password")).sendKeys(server.adminPassword);
            browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
            browser.waiting(30).until(urlContains("/ui/targets/secure.example"));
            browser.waiting(30).until(presenceOfElementLocated(By.tagName("main")));
            assertThat(browser.driver.getCurrentUrl()).startsWith("https://127.0.0.1:");
            assertThat(browser.driver.getPageSource()).contains("secure.example");

            Object protocol = ((JavascriptExecutor) browser.driver).executeScript("return performance.getEntriesByType('navigation')[0].nextHopProtocol");
            assertThat(protocol).isEqualTo("h2");
            Cookie session = browser.driver.manage().getCookieNamed("tb_session");
            assertThat(session).isNotNull();
            assertThat(session.isSecure()).isTrue();
            assertThat(session.isHttpOnly()).isTrue();

            // a change from the page, over HTTP/2 (Origin checked against the request's authority) with the session's CSRF token
            Object status = ((JavascriptExecutor) browser.driver).executeAsyncScript(PATCH_FROM_THE_PAGE);
            assertThat(status).as(server.get("/api/v1/targets/secure.example").body()).isEqualTo(200L);
            assertThat(server.get("/api/v1/targets/secure.example").body()).contains("gold");
        }
    }

    @Test
    void a_server_running_open_on_loopback_over_https_answers_the_browser_over_http2() throws Exception {
        CertificateFiles certificate = certificate();
        String spki = Fingerprints.spkiSha256Base64(certificate.current().certificate());
        try (TestServer server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.OPEN, ApiServer.Transport.https(certificate));
             Browser browser = new Browser(1280, 900, "--ignore-certificate-errors-spki-list=" + spki)) {
            assertThat(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "secure.example")).status()).isEqualTo(201);
            browser.driver.get(server.base + "/ui/targets/secure.example");
            browser.waiting(30).until(presenceOfElementLocated(By.tagName("main")));
            assertThat(browser.driver.getPageSource()).contains("secure.example").doesNotContain("answers only to a loopback host name");
            assertThat(((JavascriptExecutor) browser.driver).executeScript("return performance.getEntriesByType('navigation')[0].nextHopProtocol")).isEqualTo("h2");
            Object status = ((JavascriptExecutor) browser.driver).executeAsyncScript(PATCH_FROM_THE_PAGE);
            assertThat(status).isEqualTo(200L);
            assertThat(server.get("/api/v1/targets/secure.example").body()).contains("gold");
        }
    }
}
