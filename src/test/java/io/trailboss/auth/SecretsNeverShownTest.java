package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.trailboss.api.ApiServer;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * A secret param, a secret operation input and a secret manual answer, used by a real run (a shell job that
 * prints them, a manual step that asks for one), never appear in the server's log, in any answer of any GET
 * route (walked from the router, with the run's real ids) or on a page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsNeverShownTest {
    private static final String PARAM_SECRET = "param-S3cret-4711";
    private static final String INPUT_SECRET = "input-S3cret-4712";
    private static final String ANSWER_SECRET = "answer-S3cret-4713";
    private static final List<String> SECRETS = List.of(PARAM_SECRET, INPUT_SECRET, ANSWER_SECRET);

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private TestServer server;
    private String execution;
    private String run;
    private final List<String> tasks = new ArrayList<>();
    private final List<String> jobs = new ArrayList<>();

    @BeforeAll
    @SuppressWarnings("unchecked")
    void start() {
        log.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(log);
        // everything Trailboss logs, down to debug, is looked at
        ((Logger) LoggerFactory.getLogger("io.trailboss")).setLevel(ch.qos.logback.classic.Level.DEBUG);
        server = new TestServer(TestDatabases.h2(), Clock.systemUTC(), Auth.Mode.REQUIRED);
        Probes.ok(server.postJson("/api/v1/params", Map.of("name", "db_password", "secret", true)));
        Probes.ok(server.postJson("/api/v1/targets", Map.of("kind", "machine", "name", "vault", "params", Map.of("db_password", PARAM_SECRET))));
        Probes.ok(server.send("PUT", "/api/v1/workflows", "text/yaml", """
                version: '2.0'
                rotate:
                  input:
                    - token
                  tasks:
                    use:
                      action: shell
                      input:
                        script: |
                          echo "param={{ params.db_password }} token={{ _.token }}"
                      publish:
                        said: "{{ task().result.stdout }}"
                      on-success: ask
                    ask:
                      action: manual
                      input:
                        instructions: Type the new code
                        form:
                          - {name: code, type: secret}
                """));
        Probes.ok(server.send("PUT", "/api/v1/operations/rotate", "application/json",
                "{\"kind\": \"machine\", \"workflow\": \"rotate\", \"fields\": {\"token\": {\"type\": \"secret\"}}}"));
        Map<String, Object> started = Probes.ok(server.postJson("/api/v1/targets/vault/operations/rotate/runs", Map.of("input", Map.of("token", INPUT_SECRET))));
        run = (String) started.get("id");
        execution = (String) started.get("execution_id");
        await().atMost(Duration.ofSeconds(30)).until(() -> ((List<Map<String, Object>>) server.get("/api/v1/inbox").map().get("items")).stream()
                .anyMatch(i -> execution.equals(i.get("execution_id"))));
        String manualJob = (String) ((List<Map<String, Object>>) server.get("/api/v1/inbox").map().get("items")).stream()
                .filter(i -> execution.equals(i.get("execution_id"))).findFirst().orElseThrow().get("job_id");
        TestServer.Answer answered = server.postJson("/api/v1/manual/" + manualJob + "/complete", Map.of("values", Map.of("code", ANSWER_SECRET)));
        assertThat(answered.status()).as(answered.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCESS".equals(server.get("/api/v1/executions/" + execution).map().get("state")));
        for (Map<String, Object> t : (List<Map<String, Object>>) server.get("/api/v1/executions/" + execution + "/tasks").map().get("items")) {
            tasks.add((String) t.get("id"));
            for (Map<String, Object> j : (List<Map<String, Object>>) server.get("/api/v1/tasks/" + t.get("id") + "/jobs").map().get("items")) jobs.add((String) j.get("id"));
        }
        // a wrong login with a secret as its password, and a refused request: both are logged
        server.raw("POST", "/login", Map.of("Content-Type", "application/json"), io.trailboss.json.Json.write(Map.of("username", "admin", "password", ANSWER_SECRET)));
        String viewer = SecuredServer.serviceToken(server, "viewer", "viewer");
        SecuredServer.as(server, viewer, "PATCH", "/api/v1/targets/vault/params", "application/json", "{\"db_password\": \"" + PARAM_SECRET + "\"}");
        // the shell job did print them: what is checked below was masked, not missing
        String use = server.get("/api/v1/jobs/" + jobs.getFirst() + "/log").body();
        assertThat(use).contains("param=").contains("token=").contains("********");
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        ((Logger) LoggerFactory.getLogger("io.trailboss")).setLevel(null);
    }

    private List<String> fills(String path) {
        if (path.equals("/api/v1/events")) return List.of(); // the live stream of everything never ends
        List<String> ids = List.of("probe");
        if (path.contains("/executions/{id}")) ids = List.of(execution);
        else if (path.contains("/tasks/{id}")) ids = tasks;
        else if (path.contains("/jobs/{id}") || path.contains("/manual/{job}") || path.contains("/action_executions/{id}")) ids = jobs;
        else if (path.contains("/runs/{id}")) ids = List.of(run);
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            out.add(path.replace("{id}", id).replace("{job}", id).replace("{name}", path.contains("/workflows/") || path.contains("/operations/{name}") ? "rotate" : "vault")
                    .replace("{operation}", "rotate").replace("{resource}", "playbooks").replaceAll("\\{[^}]+}", "probe"));
        }
        return out;
    }

    @Test
    void no_get_route_answers_with_a_secret() {
        List<String> leaks = new ArrayList<>();
        int answered = 0;
        for (ApiServer.Route r : server.api.routes()) {
            if (!r.method().equals("GET")) continue;
            for (String path : fills(r.path())) {
                HttpResponse<String> a = SecuredServer.as(server, server.adminToken, "GET", path + (path.contains("?") ? "&" : "?") + "format=json", null, null);
                if (a.statusCode() == 200) answered++;
                for (String secret : SECRETS) if (a.body().contains(secret)) leaks.add(path + " shows " + secret);
            }
        }
        assertThat(leaks).isEmpty();
        assertThat(answered).isGreaterThan(40);
    }

    @Test
    void the_server_log_never_holds_a_secret() {
        List<String> lines = new ArrayList<>();
        synchronized (log) {
            for (ILoggingEvent e : log.list) {
                lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())));
            }
        }
        assertThat(lines).isNotEmpty();
        for (String secret : SECRETS) assertThat(lines).noneMatch(l -> l.contains(secret));
    }

    @Test
    void the_login_page_holds_no_secret() {
        HttpResponse<String> page = server.raw("GET", "/login?next=/executions/" + execution, Map.of("Accept", "text/html"), null);
        assertThat(page.statusCode()).isEqualTo(200);
        for (String secret : SECRETS) assertThat(page.body()).doesNotContain(secret);
    }
}
