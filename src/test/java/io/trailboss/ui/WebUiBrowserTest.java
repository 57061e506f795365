package io.trailboss.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openqa.selenium.support.ui.ExpectedConditions.attributeContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.elementToBeClickable;
import static org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.urlContains;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import io.trailboss.record.AraCallbackTest;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The web UI in a real browser against a real server with real shell jobs and a real ansible-playbook: an
 * operation run from its form (a field error first), its log live, pause and resume with their dry runs, a
 * manual step completed (a field error first), an Ansible recording filtered by host, workflows and agents.
 * The pages are saved as screenshots for the README.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiBrowserTest {
    private static final String DEPLOY = """
            version: '2.0'
            deploy:
              description: Build a release of a site, have it approved, roll it out
              input:
                - release
                - replicas: 2
              tasks:
                build:
                  action: shell
                  input:
                    script: |
                      echo "building {{ _.release }} for {{ target.name }}"
                      while [ ! -f "{{ params.gate_file }}" ]; do sleep 0.1; done
                      echo "build of {{ _.release }} finished"
                  on-success: approve
                approve:
                  action: manual
                  input:
                    instructions: |
                      ## Approve release {{ _.release }}
                      Check the **staging** copy of {{ target.name }}, then give the change ticket. <script>alert('x')</script>
                    form:
                      - {name: ticket, type: string, label: Change ticket, pattern: "[A-Z]+-[0-9]+", description: "such as OPS-42"}
                  on-success: rollout
                rollout:
                  action: shell
                  input:
                    script: echo "rolled out {{ _.release }} with {{ _.replicas }} replicas"
            """;
    private static final String OPERATIONS = """
            operations:
              deploy:
                kind: site
                workflow: deploy
                description: Build and roll out a release
                fields:
                  release: {type: string, description: "a release number such as 1.4", pattern: '[0-9]+\\.[0-9]+'}
                  replicas: {type: number, min: 1, max: 5}
            """;
    private static final String CONFIGURE = """
            version: '2.0'
            configure_lab:
              tasks:
                play:
                  action: ansible
                  input:
                    hosts: {labels: {group: lab}}
                    playbook: |
                      - name: configure the lab
                        hosts: all
                        gather_facts: false
                        tasks:
                          - name: say hello
                            debug:
                              msg: "hello from {{ inventory_hostname }}"
                          - name: touch a marker
                            command: "true"
            """;

    private TestServer server;
    private Browser browser;
    private Path gate;

    @BeforeAll
    void start() throws Exception {
        server = new TestServer(TestDatabases.h2());
        gate = Files.createTempDirectory("tb-ui").resolve("gate");
        ok(server.send("PUT", "/api/v1/workflows", "text/yaml", DEPLOY));
        ok(server.send("PUT", "/api/v1/operations", "text/yaml", OPERATIONS));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "platform", "name", "drupal10", "params", Map.of("php", "8.3"))));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop.example", "parent", "drupal10",
                "labels", Map.of("tier", "gold"), "params", Map.of("gate_file", gate.toString()))));
        ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "blog.example", "parent", "drupal10")));
        browser = new Browser(1280, 1000);
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    private static void ok(TestServer.Answer a) {
        assertThat(a.status()).as(a.body()).isBetween(200, 299);
    }

    private void scrollTo(WebElement element) {
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
    }

    private WebElement find(String css) {
        return browser.driver.findElement(By.cssSelector(css));
    }

    /** The text of an element the page may replace while it streams: read again when the one found went stale. */
    private String textOf(String css) {
        for (int attempt = 0; ; attempt++) {
            try {
                return find(css).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException replaced) {
                if (attempt >= 5) throw replaced;
            }
        }
    }

    @Test
    void an_operation_runs_from_its_form_streams_its_log_is_paused_and_resumed_and_its_manual_step_is_completed() throws Exception {
        var d = browser.driver;
        var wait = browser.waiting(30);
        // the tree: search, then the target's page
        d.get(server.base + "/ui/targets");
        find("#target-search").sendKeys("shop");
        find("#target-search").submit();
        wait.until(elementToBeClickable(By.linkText("shop.example"))).click();
        wait.until(textToBePresentInElementLocated(By.tagName("h1"), "shop.example"));
        assertThat(find("#params").getText()).contains("gate_file").contains("php").contains("parent:drupal10");
        browser.screenshot("target");

        // the operation's form in a dialog: the server's field error first, then a good submission
        find("#run-deploy").click();
        wait.until(visibilityOfElementLocated(By.id("operation-form-release"))).sendKeys("latest");
        find("#operation-form-replicas").clear();
        find("#operation-form-replicas").sendKeys("3");
        find("#operation-form button[type=submit]").click();
        wait.until(textToBePresentInElementLocated(By.id("operation-form-release-error"), "does not match"));
        assertThat(find("#operation-form-replicas").getAttribute("value")).isEqualTo("3");
        browser.screenshot("operation-form");
        find("#operation-form-release").clear();
        find("#operation-form-release").sendKeys("1.4");
        find("#operation-form button[type=submit]").click();
        wait.until(urlContains("/ui/executions/"));
        String executionId = d.getCurrentUrl().replaceAll(".*/ui/executions/([^/?#]+).*", "$1");

        // the build job appears in the task list (live) and its log streams while it runs
        wait.until(presenceOfElementLocated(By.cssSelector("tr[data-task=build] a[data-job]"))).click();
        wait.until(textToBePresentInElementLocated(By.id("log"), "building 1.4 for shop.example"));
        assertThat(textOf("#log")).doesNotContain("finished");

        // pause: the dry run first says what happens to each task, then it is applied
        find("#control-pause").click();
        wait.until(textToBePresentInElementLocated(By.id("preview-result"), "keeps running"));
        assertThat(find("#preview-result").getText()).contains("build");
        find("#apply-control").click();
        wait.until(textToBePresentInElementLocated(By.id("execution-state"), "PAUSED"));

        // the job goes on: its next line arrives on the open page
        Files.writeString(gate, "go");
        wait.until(textToBePresentInElementLocated(By.id("log"), "build of 1.4 finished"));
        wait.until(textToBePresentInElementLocated(By.cssSelector("tr[data-task=build]"), "SUCCESS"));
        assertThat(find("#execution-state").getText()).isEqualTo("PAUSED");
        assertThat(d.findElements(By.cssSelector("input[name=ticket]"))).isEmpty();

        // resume, with its preview; the manual step then shows up with its instructions and form
        find("#control-resume").click();
        wait.until(presenceOfElementLocated(By.id("apply-control")));
        assertThat(find("#preview-result").getText()).contains("Resume the execution");
        find("#apply-control").click();
        WebElement ticket = wait.until(visibilityOfElementLocated(By.cssSelector("#steps-panel input[name=ticket]")));
        WebElement instructions = find("#steps-panel .instructions");
        assertThat(instructions.getText()).contains("Approve release 1.4").contains("<script>alert('x')</script>");
        assertThat(instructions.findElements(By.tagName("script"))).isEmpty();
        assertThat(instructions.findElements(By.tagName("strong"))).hasSize(1);

        // the inbox lists the same step
        d.get(server.base + "/ui/inbox");
        wait.until(textToBePresentInElementLocated(By.tagName("main"), "Approve release 1.4"));
        browser.screenshot("inbox");
        d.get(server.base + "/ui/executions/" + executionId);

        // a wrong answer is refused next to its field; a good one completes the step and the run
        ticket = wait.until(visibilityOfElementLocated(By.cssSelector("#steps-panel input[name=ticket]")));
        ticket.sendKeys("later");
        find("#steps-panel form.form button[type=submit]").click();
        wait.until(presenceOfElementLocated(By.cssSelector("#steps-panel span.error[id$=-ticket-error]")));
        assertThat(find("#steps-panel span.error[id$=-ticket-error]").getText()).contains("pattern");
        ticket = find("#steps-panel input[name=ticket]");
        ticket.clear();
        ticket.sendKeys("OPS-42");
        find("#steps-panel form.form button[type=submit]").click();
        wait.until(textToBePresentInElementLocated(By.id("execution-state"), "SUCCESS"));
        wait.until(textToBePresentInElementLocated(By.cssSelector("tr[data-task=rollout]"), "SUCCESS"));
        wait.until(presenceOfElementLocated(By.cssSelector("#state-panel .graph svg")));
        assertThat(server.get("/api/v1/executions/" + executionId).map().get("state")).isEqualTo("SUCCESS");
        browser.screenshot("execution");

        // the target's page now shows the run and its jobs, and Run is offered again
        d.get(server.base + "/ui/targets/shop.example");
        assertThat(find("main").getText()).contains("deploy").contains(executionId);
        assertThat(find("#run-deploy").isEnabled()).isTrue();
    }

    @Test
    void run_is_disabled_while_a_run_is_open_on_the_target() {
        var started = server.postJson("/api/v1/targets/blog.example/operations/deploy/runs", Map.of("input", Map.of("release", "2.0")));
        assertThat(started.status()).as(started.body()).isBetween(200, 299);
        var d = browser.driver;
        d.get(server.base + "/ui/targets/blog.example");
        assertThat(find("#run-deploy").isEnabled()).isFalse();
        assertThat(find("#busy").getText()).contains("deploy");
        // let the run end: its build waits for a gate file this target does not name, so cancel it
        String executionId = (String) started.map().get("execution_id");
        ok(server.send("PUT", "/api/v1/executions/" + executionId, "application/json", "{\"state\": \"CANCELLED\"}"));
    }

    @Test
    void an_ansible_recording_is_browsed_and_its_results_filtered_by_host() {
        AraCallbackTest.requireAnsible();
        for (String name : List.of("lab1", "lab2")) {
            ok(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", name, "labels", Map.of("group", "lab"),
                    "params", Map.of("ansible_connection", "local", "ansible_python_interpreter", "/usr/bin/python3"))));
        }
        ok(server.send("PUT", "/api/v1/workflows", "text/yaml", CONFIGURE));
        var started = server.postJson("/api/v1/executions", Map.of("workflow", "configure_lab"));
        String executionId = (String) started.map().get("id");
        await().atMost(Duration.ofSeconds(120)).until(() -> List.of("SUCCESS", "ERROR").contains(server.get("/api/v1/executions/" + executionId).map().get("state")));
        assertThat(server.get("/api/v1/executions/" + executionId).map().get("state")).isEqualTo("SUCCESS");

        var d = browser.driver;
        var wait = browser.waiting(30);
        d.get(server.base + "/ui/recordings?status=completed");
        wait.until(elementToBeClickable(By.cssSelector("main tbody tr td a"))).click();
        wait.until(presenceOfElementLocated(By.id("results")));
        String page = find("main").getText();
        assertThat(page).contains("lab1").contains("lab2").contains("say hello").contains("touch a marker");
        browser.screenshot("playbook");

        // results filtered by host: only lab2's remain
        new Select(find("#results select[name=host]")).selectByVisibleText("lab2");
        find("#results form.filters button[type=submit]").click();
        wait.until(urlContains("host=lab2"));
        List<WebElement> rows = d.findElements(By.cssSelector("#results tbody tr"));
        assertThat(rows).hasSize(2);
        for (WebElement row : rows) assertThat(row.findElements(By.tagName("td")).get(2).getText()).isEqualTo("lab2");
        scrollTo(find("#results"));
        browser.screenshot("results");

        // a result's JSON
        rows.getFirst().findElement(By.cssSelector("td a")).click();
        wait.until(presenceOfElementLocated(By.id("result-json")));
        assertThat(find("#result-json").getText()).contains("lab2");

        // the host search across playbooks
        d.get(server.base + "/ui/recordings/hosts?name=lab1");
        assertThat(find("main tbody").getText()).contains("lab1").doesNotContain("lab2");
    }

    @Test
    void a_workflow_shows_its_problems_in_place_and_starts_from_its_input_form() {
        var d = browser.driver;
        var wait = browser.waiting(30);
        d.get(server.base + "/ui/workflows");
        wait.until(elementToBeClickable(By.linkText("deploy"))).click();
        wait.until(presenceOfElementLocated(By.id("yaml")));
        d.findElement(By.tagName("summary")).click();
        WebElement text = wait.until(visibilityOfElementLocated(By.id("definition")));
        text.clear();
        text.sendKeys(DEPLOY.replace("on-success: approve", "on-succes: approve"));
        find("#validate").click();
        wait.until(presenceOfElementLocated(By.id("problems")));
        WebElement bad = find("#yaml li.bad");
        assertThat(bad.getText()).contains("on-succes").contains("line 15");
        scrollTo(bad);
        browser.screenshot("workflows");

        // the start form checks the input: release is required
        d.get(server.base + "/ui/workflows/deploy");
        find("#start-form button[type=submit]").click();
        wait.until(textToBePresentInElementLocated(By.id("start-form-release-error"), "required"));
    }

    @Test
    void agents_show_their_scope_and_when_they_were_last_seen() throws Exception {
        ok(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "edge-1")));
        var issued = server.postJson("/api/v1/agents/tokens", Map.of("name", "rack-7", "targets", List.of("edge-1")));
        ok(issued);
        String token = (String) issued.map().get("token");
        var http = java.net.http.HttpClient.newHttpClient();
        var hello = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + "/api/v1/agent/hello"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
        var d = browser.driver;
        d.get(server.base + "/ui/agents");
        String table = find("main table").getText();
        assertThat(table).contains("rack-7").contains("CONNECTED").contains("edge-1");
        browser.screenshot("agents");
        d.get(server.base + "/ui/executions");
        browser.waiting(10).until(presenceOfElementLocated(By.cssSelector("main table")));
        browser.screenshot("executions");
        // a phone's width: the same page, one column, the table scrolls sideways
        d.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        d.get(server.base + "/ui/targets/shop.example");
        browser.waiting(10).until(presenceOfElementLocated(By.id("params")));
        browser.screenshot("target-phone");
        d.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
    }
}
