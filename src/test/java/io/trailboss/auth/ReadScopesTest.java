package io.trailboss.auth;

import static io.trailboss.auth.SecuredServer.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.testing.SseRecorder;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads are scoped like writes: a reader whose grants are scoped to targets sees (in lists) and reads (directly)
 * only its targets and what is bound to them, over the native API, the Mistral-compatible API, event streams and
 * the web UI; anything else answers 404 as if it did not exist. A global viewer reads everything; a running job's
 * token reads only its own job and execution.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadScopesTest {
    private TestServer server;
    private String scopedViewer;
    private String scopedOperator;
    private String globalViewer;
    private String jobToken;
    private String shopSay, shopAsk, shopHold, blogSay, blogAsk, wikiHold, free;
    private String shopJob, blogJob, holdJob, blogTask;

    @BeforeAll
    void start() {
        server = new TestServer(database(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                hold:
                  tasks:
                    wait:
                      action: std.async_noop
                say:
                  tasks:
                    speak:
                      action: shell
                      input:
                        script: echo "spoken on {{ target.name }}"
                ask:
                  tasks:
                    check:
                      action: manual
                      input:
                        instructions: Check the site
                """));
        Probes.ok(server.postJson("/api/v1/params", Map.of("name", "db_password", "secret", true)));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop", "params", Map.of("php", "8.3"))));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop-web", "parent", "shop")));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "shop-db", "parent", "shop")));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "blog", "params", Map.of("db_password", "blog-db-secret", "theme", "dark"))));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "blog-prod", "parent", "blog", "labels", Map.of("env", "prod"))));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "site", "name", "wiki", "labels", Map.of("env", "prod"))));
        for (String op : List.of("hold", "say", "ask")) {
            Probes.ok(server.send("PUT", "/api/v1/operations/" + op, "application/json", "{\"kind\": \"site\", \"workflow\": \"" + op + "\"}"));
        }
        scopedViewer = SecuredServer.serviceToken(server, "scoped-viewer", "viewer@group:shop");
        scopedOperator = SecuredServer.serviceToken(server, "scoped-operator", "operator@group:shop", "operator@labels:env=prod");
        globalViewer = SecuredServer.serviceToken(server, "global-viewer", "viewer");

        shopSay = run("shop", "say");
        blogSay = run("blog", "say");
        awaitState(shopSay, "SUCCESS");
        awaitState(blogSay, "SUCCESS");
        shopAsk = run("shop-web", "ask");
        blogAsk = run("blog", "ask");
        shopHold = run("shop-db", "hold");
        wikiHold = run("wiki", "hold");
        free = (String) Probes.ok(server.postJson("/api/v1/executions", Map.of("workflow", "hold"))).get("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> server.get("/api/v1/inbox").body().contains(shopAsk) && server.get("/api/v1/inbox").body().contains(blogAsk));
        shopJob = jobOf(shopSay);
        blogJob = jobOf(blogSay);
        blogTask = taskOf(blogSay);
        await().atMost(Duration.ofSeconds(15)).until(() -> (holdJob = Probes.runningJob(server, shopHold)) != null);
        // a running job's token is handed only to its runner: give the job a known one (stored, like any, as its SHA-256)
        jobToken = "tbj_" + holdJob + ".read-scope-" + java.util.UUID.randomUUID();
        server.tb.database().jdbi().useHandle(h -> h.createUpdate("update job set token = :hash where id = :id")
                .bind("hash", Passwords.sha256(jobToken)).bind("id", holdJob).execute());
    }

    /** The embedded database here; {@link ReadScopesOnPostgresTest} runs every test again on PostgreSQL. */
    io.trailboss.store.Database database() {
        return TestDatabases.h2();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private String run(String target, String operation) {
        return (String) Probes.ok(server.postJson("/api/v1/targets/" + target + "/operations/" + operation + "/runs", Map.of())).get("execution_id");
    }

    private void awaitState(String execution, String state) {
        await().atMost(Duration.ofSeconds(60)).until(() -> state.equals(server.get("/api/v1/executions/" + execution).map().get("state")));
    }

    @SuppressWarnings("unchecked")
    private String taskOf(String execution) {
        return (String) ((List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")).getFirst().get("id");
    }

    @SuppressWarnings("unchecked")
    private String jobOf(String execution) {
        return (String) ((List<Map<String, Object>>) server.get("/api/v1/tasks/" + taskOf(execution) + "/jobs").map().get("items")).getFirst().get("id");
    }

    private HttpResponse<String> get(String token, String path) {
        return as(server, token, "GET", path, null, null);
    }

    private int status(String token, String path) {
        return get(token, path).statusCode();
    }

    private String body(String token, String path) {
        HttpResponse<String> r = get(token, path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    @SuppressWarnings("unchecked")
    private List<Object> items(String token, String path, String key, String field) {
        return ((List<Map<String, Object>>) SecuredServer.json(get(token, path)).get(key)).stream().map(m -> m.get(field)).toList();
    }

    /** The status of an event stream's answer (the stream itself is closed unread: one in sight never ends). */
    private int streamStatus(String token, String path) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.base + path))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").timeout(Duration.ofSeconds(10)).build();
        HttpResponse<java.io.InputStream> r = STREAMS.send(request, HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r.statusCode();
    }

    private static final java.net.http.HttpClient STREAMS = java.net.http.HttpClient.newHttpClient();

    private List<String> outOfSight(String token, String... paths) {
        return java.util.Arrays.stream(paths).filter(p -> status(token, p) != 404).map(p -> p + " -> " + status(token, p)).toList();
    }

    @Test
    void a_scoped_viewer_lists_and_reads_only_its_targets_and_what_is_bound_to_them_over_the_api() {
        assertThat(items(scopedViewer, "/api/v1/targets", "items", "name")).containsExactlyInAnyOrder("shop", "shop-web", "shop-db");
        assertThat(items(scopedViewer, "/api/v1/targets?kind=site", "items", "name")).containsExactlyInAnyOrder("shop", "shop-web", "shop-db");
        assertThat(items(scopedViewer, "/api/v1/executions", "items", "id")).containsExactlyInAnyOrder(shopSay, shopAsk, shopHold);
        assertThat(items(scopedViewer, "/api/v1/inbox", "items", "execution_id")).containsExactly(shopAsk);
        assertThat(body(scopedViewer, "/api/v1/targets/shop-web/params")).contains("\"php\"");
        assertThat(body(scopedViewer, "/api/v1/jobs/" + shopJob + "/log")).contains("spoken on shop");
        assertThat(body(scopedViewer, "/api/v1/executions/" + shopSay + "/tasks")).contains("speak");

        String blogRun = (String) ((Map<?, ?>) ((List<?>) server.get("/api/v1/targets/blog/runs").map().get("items")).getFirst()).get("id");
        assertThat(outOfSight(scopedViewer, "/api/v1/targets/blog", "/api/v1/targets/blog/params", "/api/v1/targets/blog/jobs",
                "/api/v1/targets/blog/runs", "/api/v1/targets/blog/operations", "/api/v1/targets/blog/lifecycle", "/api/v1/targets/blog/history",
                "/api/v1/targets/wiki", "/api/v1/targets/no-such-target",
                "/api/v1/executions/" + blogSay, "/api/v1/executions/" + blogSay + "/tasks", "/api/v1/executions/" + blogSay + "/graph",
                "/api/v1/executions/" + blogSay + "/controls", "/api/v1/executions/" + free, "/api/v1/executions/" + wikiHold,
                "/api/v1/tasks/" + blogTask, "/api/v1/tasks/" + blogTask + "/jobs", "/api/v1/jobs/" + blogJob, "/api/v1/jobs/" + blogJob + "/log",
                "/api/v1/manual/" + jobOf(blogAsk), "/api/v1/runs/" + blogRun, "/api/v1/runs/" + blogRun + "/variables"))
                .isEmpty();
        // out of sight and missing look alike
        assertThat(get(scopedViewer, "/api/v1/executions/" + blogSay).body()).contains("execution '" + blogSay + "' does not exist");
        assertThat(get(scopedViewer, "/api/v1/targets/blog").body()).contains("target 'blog' does not exist");
        assertThat(get(scopedViewer, "/api/v1/targets/shop-web/params").body()).doesNotContain("blog-db-secret");
    }

    @Test
    void a_scoped_viewers_streams_are_scoped_too() throws Exception {
        assertThat(streamStatus(scopedViewer, "/api/v1/executions/" + blogAsk + "/events")).isEqualTo(404);
        assertThat(streamStatus(scopedViewer, "/api/v1/executions/" + blogAsk + "/log/stream")).isEqualTo(404);
        assertThat(streamStatus(scopedViewer, "/api/v1/jobs/" + blogJob + "/log/stream")).isEqualTo(404);
        assertThat(streamStatus(scopedViewer, "/ui/executions/" + blogAsk + "/live")).isEqualTo(404);
        assertThat(streamStatus(scopedViewer, "/ui/jobs/" + blogJob + "/log/live")).isEqualTo(404);
        assertThat(streamStatus(scopedViewer, "/api/v1/executions/" + shopAsk + "/events")).isEqualTo(200);
        try (SseRecorder all = new SseRecorder(server.base + "/api/v1/events", "Bearer " + scopedViewer)) {
            // something out of sight happens first, then something in sight: once the second is seen, the first would have been
            String hidden = (String) Probes.ok(server.postJson("/api/v1/executions", Map.of("workflow", "hold"))).get("id");
            Probes.ok(server.send("PUT", "/api/v1/executions/" + hidden, "application/json", "{\"state\": \"CANCELLED\"}"));
            String seen = run("shop", "say");
            await().atMost(Duration.ofSeconds(30)).until(() -> all.events.stream().anyMatch(e -> seen.equals(e.data().get("execution_id"))
                    && "SUCCESS".equals(e.data().get("state")) && "execution".equals(e.event())));
            assertThat(all.events).extracting(e -> e.data().get("execution_id")).contains(shopAsk, seen)
                    .doesNotContain(hidden, free, blogAsk, wikiHold);
        }
    }

    @Test
    void a_scoped_viewer_sees_only_its_targets_over_the_mistral_api_and_in_the_web_ui() {
        assertThat(items(scopedViewer, "/mistral/v2/executions", "executions", "id")).contains(shopSay).doesNotContain(blogSay, free, wikiHold);
        assertThat(outOfSight(scopedViewer, "/mistral/v2/executions/" + blogSay, "/mistral/v2/executions/" + blogSay + "/tasks",
                "/mistral/v2/tasks/" + blogTask, "/mistral/v2/tasks/" + blogTask + "/action_executions", "/mistral/v2/action_executions/" + blogJob,
                "/ui/executions/" + blogSay, "/ui/executions/" + blogSay + "/state", "/ui/jobs/" + blogJob, "/ui/jobs/" + blogJob + "/log",
                "/ui/targets/blog", "/ui/targets/blog/operations/say", "/ui/targets?parent=blog")).isEmpty();
        assertThat(body(scopedViewer, "/mistral/v2/action_executions/" + shopJob)).contains(shopJob);

        String executions = body(scopedViewer, "/ui/executions");
        assertThat(executions).contains(shopSay, shopAsk).doesNotContain(blogSay, blogAsk, free, wikiHold);
        assertThat(body(scopedViewer, "/ui/targets")).contains("/ui/targets/shop\"").doesNotContain("/ui/targets/blog", "/ui/targets/wiki");
        assertThat(body(scopedViewer, "/ui/targets?parent=shop")).contains("/ui/targets/shop-web\"", "/ui/targets/shop-db\"");
        assertThat(body(scopedViewer, "/ui/targets?q=o")).contains("/ui/targets/shop\"").doesNotContain("/ui/targets/blog", "/ui/targets/wiki");
        assertThat(body(scopedViewer, "/ui/inbox")).contains(shopAsk).doesNotContain(blogAsk);
        assertThat(body(scopedViewer, "/ui/jobs/" + shopJob)).contains("spoken on shop");
        // the log panel shows only a job of the page's own execution that the reader sees
        assertThat(body(scopedViewer, "/ui/executions/" + shopSay + "?job=" + blogJob)).doesNotContain("spoken on blog");
        assertThat(status(scopedViewer, "/ui/agents")).isEqualTo(403);
    }

    @Test
    void a_scoped_operator_sees_its_groups_and_its_label_selectors_targets_and_their_tops_stand_at_the_root() {
        assertThat(items(scopedOperator, "/api/v1/targets", "items", "name")).containsExactlyInAnyOrder("shop", "shop-web", "shop-db", "wiki", "blog-prod");
        assertThat(items(scopedOperator, "/api/v1/executions", "items", "id")).containsExactlyInAnyOrder(shopSay, shopAsk, shopHold, wikiHold);
        assertThat(outOfSight(scopedOperator, "/api/v1/targets/blog", "/api/v1/executions/" + blogSay, "/api/v1/jobs/" + blogJob + "/log",
                "/api/v1/executions/" + free)).isEmpty();
        // blog-prod is in sight (its label), its parent blog is not: it stands at the root, without a link up
        assertThat(body(scopedOperator, "/ui/targets")).contains("/ui/targets/shop\"", "/ui/targets/wiki\"", "/ui/targets/blog-prod\"")
                .doesNotContain("/ui/targets/blog\"");
        assertThat(body(scopedOperator, "/ui/targets/blog-prod")).doesNotContain("/ui/targets/blog\"");
        assertThat(body(scopedOperator, "/api/v1/targets/blog-prod/params")).doesNotContain("blog-db-secret");
    }

    @Test
    void a_global_viewer_reads_everything() {
        assertThat(items(globalViewer, "/api/v1/targets", "items", "name")).contains("shop", "blog", "wiki", "blog-prod");
        assertThat(items(globalViewer, "/api/v1/executions", "items", "id")).contains(shopSay, blogSay, free, wikiHold);
        assertThat(items(globalViewer, "/api/v1/inbox", "items", "execution_id")).contains(shopAsk, blogAsk);
        assertThat(body(globalViewer, "/api/v1/jobs/" + blogJob + "/log")).contains("spoken on blog");
        assertThat(body(globalViewer, "/api/v1/targets/blog/params")).contains("********").doesNotContain("blog-db-secret");
        assertThat(body(globalViewer, "/ui/executions")).contains(blogSay, free);
        assertThat(status(globalViewer, "/ui/agents")).isEqualTo(200);
        assertThat(status(globalViewer, "/mistral/v2/executions/" + free)).isEqualTo(200);
    }

    private HttpResponse<String> evaluateOver(String token, String execution) {
        return as(server, token, "POST", "/api/v1/expressions/evaluate", "application/json",
                "{\"language\": \"yaql\", \"expression\": \"execution().id\", \"execution\": \"" + execution + "\"}");
    }

    @Test
    void an_expression_over_an_execution_is_answered_to_whom_may_read_the_execution_as_its_read_is() {
        Map<String, List<String>> cases = Map.of(scopedViewer, List.of(shopSay, blogSay, free, wikiHold), globalViewer, List.of(shopSay, blogSay, free),
                jobToken, List.of(shopHold, shopSay, blogSay));
        cases.forEach((token, executions) -> {
            for (String execution : executions) {
                HttpResponse<String> read = get(token, "/api/v1/executions/" + execution);
                HttpResponse<String> evaluated = evaluateOver(token, execution);
                assertThat(evaluated.statusCode()).as(execution + ": " + evaluated.body()).isEqualTo(read.statusCode());
                if (read.statusCode() == 200) assertThat(SecuredServer.json(evaluated)).containsEntry("result", execution);
                else assertThat(evaluated.body()).contains("execution '" + execution + "' does not exist");
            }
        });
        assertThat(evaluateOver(scopedViewer, shopSay).statusCode()).isEqualTo(200);
        assertThat(evaluateOver(scopedViewer, blogSay).statusCode()).isEqualTo(404);
        assertThat(evaluateOver(jobToken, shopHold).statusCode()).isEqualTo(200);
        assertThat(evaluateOver(jobToken, shopSay).statusCode()).isEqualTo(404);
    }

    @Test
    void a_jobs_token_reads_only_its_own_job_and_execution() {
        assertThat(body(jobToken, "/api/v1/jobs/" + holdJob)).contains(holdJob);
        assertThat(status(jobToken, "/api/v1/jobs/" + holdJob + "/log")).isEqualTo(200);
        assertThat(body(jobToken, "/api/v1/executions/" + shopHold)).contains(shopHold);
        assertThat(status(jobToken, "/api/v1/executions/" + shopHold + "/tasks")).isEqualTo(200);
        assertThat(status(jobToken, "/mistral/v2/executions/" + shopHold)).isEqualTo(200);
        assertThat(status(jobToken, "/api/v1/me")).isEqualTo(200);
        assertThat(items(jobToken, "/api/v1/executions", "items", "id")).containsExactly(shopHold);
        assertThat(items(jobToken, "/mistral/v2/executions", "executions", "id")).containsExactly(shopHold);
        assertThat(items(jobToken, "/api/v1/inbox", "items", "id")).isEmpty();

        assertThat(outOfSight(jobToken, "/api/v1/jobs/" + shopJob, "/api/v1/jobs/" + shopJob + "/log", "/api/v1/executions/" + shopSay,
                "/api/v1/executions/" + blogSay, "/api/v1/tasks/" + blogTask, "/mistral/v2/action_executions/" + shopJob)).isEmpty();
        for (String elsewhere : List.of("/api/v1/targets", "/api/v1/targets/shop-db", "/api/v1/workflows", "/api/v1/events", "/metrics",
                "/ui/executions", "/ui/targets/shop-db", "/api/v1/profiles")) {
            assertThat(status(jobToken, elsewhere)).as(elsewhere).isEqualTo(403);
        }
        // what a job legitimately calls keeps working: ARA's callback and the ansible action on /ara
        assertThat(status(jobToken, "/ara/api/v1/playbooks")).isEqualTo(200);
    }
}
