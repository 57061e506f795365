package io.trailboss.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The UI over plain HTTP, as a browser without JavaScript meets it: complete pages, GET filters and paging
 * links, POST forms that redirect, errors next to fields, and user data always escaped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiPagesTest {
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";
    private static final String STEP = """
            version: '2.0'
            sign_off:
              description: "Sign off <b>now</b>"
              tasks:
                ask:
                  action: manual
                  input:
                    instructions: "Look at [this](javascript:alert(1)) and <script>alert(2)</script>"
                    form:
                      - {name: count, type: number, min: 1, max: 3}
            data_links:
              tasks:
                ask:
                  action: manual
                  input:
                    instructions: "Open [the runbook](data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==) or ![chart](data:image/svg+xml;base64,PHN2Zy8+), see [docs](https://docs.example/run)"
            """;

    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer(TestDatabases.h2());
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", STEP).status()).isEqualTo(200);
        assertThat(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "plain.example", "labels", Map.of("note", HOSTILE))).status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void read_only_pages_are_complete_html_with_links_filters_and_timing() {
        for (String path : List.of("/ui/executions", "/ui/targets", "/ui/targets/plain.example", "/ui/inbox", "/ui/recordings",
                "/ui/recordings/results", "/ui/recordings/hosts", "/ui/workflows", "/ui/workflows/sign_off", "/ui/agents")) {
            var page = server.get(path);
            assertThat(page.status()).as(path + ": " + page.body()).isEqualTo(200);
            assertThat(page.contentType()).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("<meta name=\"csrf-token\" content=\"\">").contains("href=\"/ui/targets\"").doesNotContain(HOSTILE);
        }
        assertThat(server.get("/ui/executions?state=RUNNING").body()).contains("<form class=\"filters\" method=\"get\" action=\"/ui/executions\">");
    }

    @Test
    void every_ui_answer_tells_its_server_time() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + "/ui/workflows")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Server-Timing").orElse("")).matches("app;dur=[0-9.]+");
    }

    @Test
    void user_data_is_escaped_and_markdown_instructions_keep_no_html_or_script_links() {
        assertThat(server.get("/ui/targets/plain.example").body()).contains("&lt;img src=x onerror=alert(1)&gt;");
        assertThat(server.get("/ui/workflows/sign_off").body()).contains("Sign off &lt;b&gt;now&lt;/b&gt;").doesNotContain("<b>now</b>");
        String execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "sign_off")).map().get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/ui/inbox").body().contains("step-"));
        String inbox = server.get("/ui/inbox").body();
        assertThat(inbox).contains("&lt;script&gt;alert(2)&lt;/script&gt;").doesNotContain("<script>alert(2)").doesNotContain("javascript:alert(1)");
        assertThat(server.get("/ui/executions/" + execution).body()).contains("&lt;script&gt;alert(2)&lt;/script&gt;");
    }

    @Test
    void data_links_and_images_in_instructions_are_neutralized_on_the_page() {
        String execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "data_links")).map().get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/ui/inbox").body().contains("the runbook</a>"));
        for (String page : List.of(server.get("/ui/inbox").body(), server.get("/ui/executions/" + execution).body())) {
            assertThat(page).doesNotContain("data:text/html").doesNotContain("data:image").contains(" href=\"\"")
                    .contains("href=\"https://docs.example/run\"");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_manual_step_posted_without_javascript_shows_field_errors_then_completes_and_redirects() {
        String execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "sign_off")).map().get("id");
        String[] job = new String[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Object t : (List<Object>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")) {
                var jobs = (List<Map<String, Object>>) server.get("/api/v1/tasks/" + ((Map<String, Object>) t).get("id") + "/jobs").map().get("items");
                if (!jobs.isEmpty() && "RUNNING".equals(jobs.getFirst().get("state"))) job[0] = (String) jobs.getFirst().get("id");
            }
            return job[0] != null;
        });
        var bad = server.send("POST", "/ui/manual/" + job[0] + "/complete", "application/x-www-form-urlencoded", "_csrf=&count=9");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("id=\"step-" + job[0] + "-count-error\"").contains("at most 3");
        assertThat(server.get("/api/v1/jobs/" + job[0]).map().get("state")).isEqualTo("RUNNING");
        var good = server.send("POST", "/ui/manual/" + job[0] + "/complete", "application/x-www-form-urlencoded", "_csrf=&count=2");
        assertThat(good.status()).isEqualTo(303);
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + execution).map().get("state")));
        assertThat(((Map<String, Object>) server.get("/api/v1/jobs/" + job[0]).map().get("output")).get("count")).isEqualTo(2);
    }

    @Test
    void a_task_control_preview_changes_nothing_and_an_unknown_page_is_a_404_page() {
        String execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "sign_off")).map().get("id");
        // the manual step waits for a person once its runner has handed it over: only then may it be skipped
        await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/api/v1/inbox").body().contains(execution));
        var preview = server.send("POST", "/ui/executions/" + execution + "/preview", "application/x-www-form-urlencoded", "control=skip&task=ask");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.body()).contains("Would act on").contains("ask").contains("Apply skip ask");
        assertThat(server.get("/api/v1/executions/" + execution).map().get("state")).isEqualTo("RUNNING");
        var missing = server.get("/ui/executions/no-such-execution");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("text/html");
        assertThat(missing.body()).contains("no-such-execution");
    }

    @Test
    void an_expression_posted_without_javascript_answers_a_page_with_its_result_escaped_or_why_not() {
        assertThat(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                echo_note:
                  input:
                    - note
                  tasks:
                    say:
                      action: std.echo
                      input:
                        output: <% $.note %>
                      publish:
                        said: <% task().result %>
                """).status()).isEqualTo(200);
        String execution = (String) server.postJson("/api/v1/executions", Map.of("workflow", "echo_note", "input", Map.of("note", HOSTILE))).map().get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + execution).map().get("state")));
        String page = server.get("/ui/executions/" + execution).body();
        assertThat(page).contains("action=\"/ui/executions/" + execution + "/evaluate\"").contains("<option value=\"say\">task say</option>");

        var said = server.send("POST", "/ui/executions/" + execution + "/evaluate", "application/x-www-form-urlencoded",
                "expression=" + Ui.enc("<% [$.said, task().state] %>") + "&language=yaql&task=say");
        assertThat(said.status()).isEqualTo(200);
        assertThat(said.contentType()).startsWith("text/html");
        assertThat(said.body()).contains("id=\"evaluation-result\"").contains("\"SUCCESS\" ]").contains("&lt;img src=x onerror=alert(1)&gt;")
                .doesNotContain(HOSTILE).contains("&lt;% [$.said, task().state] %&gt;");
        var whole = server.send("POST", "/ui/executions/" + execution + "/evaluate", "application/x-www-form-urlencoded",
                "expression=" + Ui.enc("{{ _.said | length }}") + "&language=jinja&task=");
        assertThat(whole.body()).contains("over the whole execution").contains(">" + HOSTILE.length() + "</pre>");

        var failed = server.send("POST", "/ui/executions/" + execution + "/evaluate", "application/x-www-form-urlencoded",
                "expression=" + Ui.enc("$.said + 1") + "&language=yaql&task=say");
        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.body()).contains("id=\"evaluation-error\"").contains("the expression failed").doesNotContain(HOSTILE);
        var noTask = server.send("POST", "/ui/executions/" + execution + "/evaluate", "application/x-www-form-urlencoded",
                "expression=" + Ui.enc("$") + "&language=yaql&task=" + Ui.enc(HOSTILE));
        assertThat(noTask.status()).isEqualTo(404);
        assertThat(noTask.body()).contains("does not exist").doesNotContain(HOSTILE);
        var empty = server.send("POST", "/ui/executions/" + execution + "/evaluate", "application/x-www-form-urlencoded", "expression=&language=yaql");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("type an expression");
    }

    @Test
    void counting_stops_at_the_cap_on_deep_pages() {
        assertThat(BrowsePages.capped(7, 0, 50, () -> { throw new AssertionError("a short page needs no count"); })).isEqualTo(new BrowsePages.Count(7, false));
        assertThat(BrowsePages.capped(50, 9_950, 50, () -> { throw new AssertionError("no count past the cap"); })).isEqualTo(new BrowsePages.Count(10_000, true));
        assertThat(BrowsePages.capped(50, 0, 50, () -> 123_456)).isEqualTo(new BrowsePages.Count(10_000, true));
        assertThat(new Pager("/ui/executions", 50, 0, 10_000, true, 50).range()).isEqualTo("1–50 of 10,000+");
    }
}
