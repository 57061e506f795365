package io.trailboss.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import io.trailboss.auth.Auth;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * In a real browser, signed in as a viewer (session cookie, CSRF token sent by the page): the expression box of an
 * execution page evaluates an expression over a task of a finished execution, or over the whole execution, shows
 * the result as text (user data never becomes markup), and says what is wrong with a bad expression.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpressionBoxBrowserTest {
    private static final String PASSWORD = "a long and right password";
    private static final String WORKFLOW = """
            version: '2.0'
            greet:
              input:
                - name
              tasks:
                hello:
                  action: std.echo output="Hello, <% $.name %>"
                  publish:
                    greeting: <% task().result %>
                  on-success: [shout]
                shout:
                  action: std.echo output="<% $.greeting.toUpper() %>"
                  publish:
                    shouted: <% task().result %>
            """;
    private TestServer server;
    private Browser browser;
    private String execution;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        TestServer.Answer user = server.postJson("/api/v1/users", Map.of("username", "vera", "password", PASSWORD, "roles", List.of("viewer")));
        assertThat(user.status()).as(user.body()).isEqualTo(201);
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", WORKFLOW).status()).isEqualTo(200);
        execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "greet", "input", Map.of("name", "Ada <b>Lovelace</b>"))).map().get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + execution).map().get("state")));
        browser = new Browser(1280, 1000);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    private void evaluate(String expression, String language, String over) {
        WebElement input = browser.driver.findElement(By.id("expression"));
        input.clear();
        input.sendKeys(expression);
        new Select(browser.driver.findElement(By.id("expression-language"))).selectByValue(language);
        new Select(browser.driver.findElement(By.id("expression-task"))).selectByValue(over);
        browser.driver.findElement(By.id("evaluate")).click();
    }

    @Test
    void a_viewer_evaluates_expressions_over_a_finished_execution_and_sees_results_and_errors() {
        String page = server.base + "/ui/executions/" + execution;
        browser.driver.get(page);
        browser.waiting(10).until(urlContains("/login?next="));
        browser.driver.findElement(By.name("username")).sendKeys("vera");
        browser.driver.findElement(By.name("password")).sendKeys(PASSWORD);
        browser.driver.findElement(By.cssSelector("button[type=submit]")).click();
        browser.waiting(10).until(urlToBe(page));
        assertThat(new Select(browser.driver.findElement(By.id("expression-task"))).getOptions()).extracting(WebElement::getText)
                .containsExactly("whole execution", "task hello", "task shout");

        evaluate("<% [$.greeting, task().state] %>", "yaql", "hello");
        browser.waiting(10).until(textToBePresentInElementLocated(By.id("evaluation-result"), "SUCCESS"));
        // the result is text: the markup in the data is shown, never made into elements
        assertThat(browser.driver.findElement(By.id("evaluation-result")).getText())
                .isEqualTo("[ \"Hello, Ada <b>Lovelace</b>\", \"SUCCESS\" ]");
        assertThat(browser.driver.findElements(By.cssSelector("#evaluation b"))).isEmpty();

        evaluate("{{ _.shouted }} / {{ execution().input.name | length }}", "jinja", "");
        browser.waiting(10).until(textToBePresentInElementLocated(By.id("evaluation-result"), "HELLO, ADA <B>LOVELACE</B> / 19"));

        evaluate("<% $.greeting + %>", "yaql", "shout");
        browser.waiting(10).until(visibilityOfElementLocated(By.id("evaluation-error")));
        assertThat(browser.driver.findElement(By.id("evaluation-error")).getText()).contains("not YAQL at position");
        assertThat(browser.driver.findElements(By.id("evaluation-result"))).isEmpty();

        evaluate("<% $.greeting + 1 %>", "yaql", "shout");
        browser.waiting(10).until(textToBePresentInElementLocated(By.id("evaluation-error"), "the expression failed"));
        // nothing was changed by evaluating
        assertThat(server.get("/api/v1/executions/" + execution).map().get("state")).isEqualTo("SUCCESS");
    }
}
