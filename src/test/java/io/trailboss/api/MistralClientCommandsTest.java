package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.MistralCli.Run;
import io.trailboss.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The execution, task, action-execution, environment, cron trigger and workbook commands of Mistral's own client, on H2 and PostgreSQL. */
class MistralClientCommandsTest extends MistralClientTestBase {
    private static final String GREET = """
            version: '2.0'
            %s:
              input:
                - name
              tasks:
                say:
                  action: std.echo output="hi {{ _.name }}"
                  publish:
                    message: "{{ task().result }}"
            """;

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"h2", "postgres"})
    void refusals_show_their_reason_and_validation_answers_valid_or_the_error(String db) throws Exception {
        TestServer s = server(db);
        Path wf = file(GREET.formatted("cmd_refused"));
        mistral(s, "workflow-create", wf.toString());
        Run twice = run(s, "workflow-create", wf.toString());
        assertThat(twice.code()).isNotZero();
        assertThat(twice.out()).contains("already exists").doesNotContain("None");
        Path bad = file("version: '2.0'\nbad_wf:\n  tasks:\n    a: {action: std.echo, on-success: [zz]}\n");
        Run refused = run(s, "workflow-create", bad.toString());
        assertThat(refused.code()).isNotZero();
        assertThat(refused.out()).contains("unknown task 'zz'").contains("line 4");
        assertThat(mistral(s, "workflow-validate", wf.toString(), "-f", "value", "-c", "Valid").trim()).isEqualTo("True");
        String invalid = mistral(s, "workflow-validate", bad.toString(), "-f", "json");
        assertThat(Json.readMap(invalid)).containsEntry("Valid", false);
        assertThat((String) Json.readMap(invalid).get("Error")).contains("unknown task 'zz'");
        Run missing = run(s, "execution-get", "no-such-execution");
        assertThat(missing.out()).contains("execution 'no-such-execution' does not exist");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"h2", "postgres"})
    void executions_are_listed_in_pages_described_reported_and_their_tasks_rerun(String db) throws Exception {
        TestServer s = server(db);
        String name = "cmd_list_" + db;
        mistral(s, "workflow-create", file(GREET.formatted(name)).toString());
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(mistral(s, "execution-create", name, "{\"name\": \"n" + i + "\"}", "-d", "run " + i, "-f", "value", "-c", "ID").trim());
        }
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(30)).until(() -> mistral(s, "execution-get", id, "-f", "value", "-c", "State").trim().equals("SUCCESS"));
        }
        assertThat(mistral(s, "execution-get", ids.get(0), "-f", "value", "-c", "Description").trim()).isEqualTo("run 1");
        // the newest two, shown oldest first as the client does; then pages after a marker, either way
        assertThat(lines(mistral(s, "execution-list", "--filter", "workflow_name=" + name, "--limit", "2", "-f", "value", "-c", "ID"))).isEqualTo(ids.subList(1, 3));
        assertThat(lines(mistral(s, "execution-list", "--filter", "workflow_name=" + name, "--marker", ids.get(0), "-f", "value", "-c", "ID"))).isEqualTo(ids.subList(1, 3));
        assertThat(lines(mistral(s, "execution-list", "--filter", "workflow_name=" + name, "--sort_keys", "created_at", "--sort_dirs", "desc", "--marker", ids.get(2),
                "-f", "value", "-c", "ID"))).isEqualTo(List.of(ids.get(1), ids.get(0)));
        assertThat(lines(mistral(s, "execution-list", "--filter", "workflow_name=" + name, "--filter", "state=ERROR", "-f", "value", "-c", "ID"))).isEmpty();
        Run unknownFilter = run(s, "execution-list", "--filter", "description=x");
        assertThat(unknownFilter.code()).isNotZero();
        assertThat(unknownFilter.out()).contains("filter 'description' is not supported");

        assertThat(mistral(s, "execution-update", ids.get(0), "-d", "renamed", "-f", "value", "-c", "Description").trim()).isEqualTo("renamed");
        assertThat(mistral(s, "execution-get", ids.get(0), "-f", "value", "-c", "Description").trim()).isEqualTo("renamed");
        Run forced = run(s, "execution-update", ids.get(0), "-s", "ERROR");
        assertThat(forced.code()).isNotZero();
        assertThat(forced.out()).contains("does not force an execution to ERROR");
        assertThat(Json.read(mistral(s, "execution-get-input", ids.get(0)))).isEqualTo(Map.of("name", "n1"));
        assertThat(Json.read(mistral(s, "execution-get-output", ids.get(0)))).isEqualTo(Map.of("message", "hi n1"));

        String report = mistral(s, "execution-get-report", "--no-errors-only", ids.get(0));
        assertThat(report).contains("Number of tasks in SUCCESS state: 1").contains("workflow '" + name + "' [SUCCESS] " + ids.get(0))
                .contains("task 'say' [SUCCESS]").contains("action 'std.echo' [SUCCESS]");

        String taskId = mistral(s, "task-list", ids.get(0), "-f", "value", "-c", "ID").trim();
        assertThat(mistral(s, "task-list", "-f", "value", "-c", "ID")).contains(taskId);
        assertThat(Json.read(mistral(s, "task-get-published", taskId))).isEqualTo(Map.of("message", "hi n1"));
        assertThat(mistral(s, "action-execution-list", "-f", "value", "-c", "Name", "-c", "State")).contains("std.echo SUCCESS");
        mistral(s, "task-rerun", taskId, "--env", "{\"k\": \"v\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> lines(mistral(s, "task-list", ids.get(0), "-f", "value", "-c", "State")).equals(List.of("SUCCESS", "SUCCESS")));
        assertThat(mistral(s, "execution-get", ids.get(0), "-f", "value", "-c", "State").trim()).isEqualTo("SUCCESS");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"h2", "postgres"})
    void environments_are_stored_changed_listed_deleted_and_give_an_execution_its_env_by_name(String db) throws Exception {
        TestServer s = server(db);
        String env = "env_" + db;
        Path json = file("{\"name\": \"" + env + "\", \"description\": \"staging\", \"variables\": {\"greeting\": \"hello\", \"n\": 2}}");
        assertThat(mistral(s, "environment-create", json.toString(), "-f", "value", "-c", "Scope").trim()).isEqualTo("private");
        assertThat(Json.read(mistral(s, "environment-get", env, "-f", "value", "-c", "Variables"))).isEqualTo(Map.of("greeting", "hello", "n", 2));
        Run twice = run(s, "environment-create", json.toString());
        assertThat(twice.code()).isNotZero();
        assertThat(twice.out()).contains("environment '" + env + "' already exists");
        Path yaml = file("name: " + env + "\ndescription: production\nvariables:\n  greeting: howdy\n");
        assertThat(mistral(s, "environment-update", yaml.toString(), "-f", "value", "-c", "Description").trim()).isEqualTo("production");
        assertThat(Json.read(mistral(s, "environment-get", env, "-f", "value", "-c", "Variables"))).isEqualTo(Map.of("greeting", "howdy"));
        assertThat(mistral(s, "environment-list", "-f", "value", "-c", "Name", "-c", "Description")).contains(env + " production");

        String wf = "cmd_env_" + db;
        mistral(s, "workflow-create", file("""
                version: '2.0'
                %s:
                  tasks:
                    say:
                      action: std.echo output="{{ env().greeting }}"
                      publish:
                        said: "{{ task().result }}"
                """.formatted(wf)).toString());
        String id = mistral(s, "execution-create", wf, "{}", "{\"env\": \"" + env + "\"}", "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> mistral(s, "execution-get", id, "-f", "value", "-c", "State").trim().equals("SUCCESS"));
        assertThat(Json.read(mistral(s, "execution-get-output", id))).isEqualTo(Map.of("said", "howdy"));
        Run unknown = run(s, "execution-create", wf, "{}", "{\"env\": \"no_such_env\"}");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.out()).contains("environment 'no_such_env' does not exist");

        mistral(s, "environment-delete", env);
        assertThat(mistral(s, "environment-list", "-f", "value", "-c", "Name")).doesNotContain(env);
        Run gone = run(s, "environment-get", env);
        assertThat(gone.code()).isNotZero();
        assertThat(gone.out()).contains("environment '" + env + "' does not exist");
    }

    @Test
    void actions_are_listed_and_std_actions_run_directly_but_not_jobs_on_targets() throws Exception {
        TestServer s = server("h2");
        assertThat(mistral(s, "action-list", "-f", "value", "-c", "Name")).contains("std.echo", "std.http", "shell", "ansible");
        assertThat(mistral(s, "action-get", "std.echo", "-f", "value", "-c", "Input").trim()).isEqualTo("output, delay=0");
        assertThat(mistral(s, "action-get", "std.http", "-f", "value", "-c", "Input")).startsWith("url, method=\"GET\"");
        assertThat(mistral(s, "action-get", "std.echo", "-f", "value", "-c", "Is system").trim()).isEqualTo("True");
        assertThat(mistral(s, "action-get", "std.echo", "-f", "value", "-c", "Description")).contains("'output'");
        assertThat(Json.read(mistral(s, "run-action", "std.echo", "{\"output\": \"hello\"}"))).isEqualTo(Map.of("result", "hello"));
        assertThat(Json.read(mistral(s, "run-action", "std.echo", "{\"output\": {\"n\": 1}}", "--run-sync"))).isEqualTo(Map.of("result", Map.of("n", 1)));
        assertThat(Json.read(mistral(s, "run-action", "std.fail", "{\"error_data\": \"broken\"}"))).isEqualTo(Map.of("result", "broken"));
        @SuppressWarnings("unchecked")
        Map<String, Object> http = (Map<String, Object>) ((Map<String, Object>) Json.read(mistral(s, "run-action", "std.http", "{\"url\": \"" + s.base + "/mistral\"}"))).get("result");
        assertThat(http).containsEntry("status", 200);

        Run shell = run(s, "run-action", "shell", "{\"script\": \"id\"}");
        assertThat(shell.code()).isNotZero();
        assertThat(shell.out()).contains("action 'shell' cannot be run directly").contains("job on targets");
        Run saved = run(s, "run-action", "std.noop", "-s");
        assertThat(saved.code()).isNotZero();
        assertThat(saved.out()).contains("does not keep the result of a directly run action");
        Run badInput = run(s, "run-action", "std.echo", "{\"output\": 1, \"nope\": 1}");
        assertThat(badInput.out()).contains("has no input 'nope'");
        Run noOutput = run(s, "run-action", "std.echo", "{}");
        assertThat(noOutput.out()).contains("missing required input 'output'");
        Run missing = run(s, "action-get", "std.nothing");
        assertThat(missing.out()).contains("action 'std.nothing' does not exist");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"h2", "postgres"})
    void cron_triggers_are_trailboss_cron_triggers_and_what_has_no_counterpart_is_refused(String db) throws Exception {
        TestServer s = server(db);
        String wf = "cmd_cron_" + db;
        mistral(s, "workflow-create", file(GREET.formatted(wf)).toString());
        String name = "nightly_" + db;
        assertThat(mistral(s, "cron-trigger-create", name, wf, "{\"name\": \"cron\"}", "--pattern", "0 3 * * *", "-f", "value", "-c", "Pattern").trim()).isEqualTo("0 3 * * *");
        assertThat(mistral(s, "cron-trigger-get", name, "-f", "value", "-c", "Workflow").trim()).isEqualTo(wf);
        assertThat(mistral(s, "cron-trigger-get", name, "-f", "value", "-c", "Next execution time").trim()).matches("\\d{4}-\\d{2}-\\d{2} 03:00:00");
        assertThat(mistral(s, "cron-trigger-list", "-f", "value", "-c", "Name")).contains(name);
        @SuppressWarnings("unchecked")
        Map<String, Object> input = (Map<String, Object>) s.get("/api/v1/triggers/" + name).map().get("input");
        assertThat(input).isEqualTo(Map.of("name", "cron"));
        Run twice = run(s, "cron-trigger-create", name, wf, "--pattern", "0 3 * * *");
        assertThat(twice.code()).isNotZero();
        assertThat(twice.out()).contains("trigger '" + name + "' already exists");
        Run counted = run(s, "cron-trigger-create", name + "_n", wf, "--pattern", "0 3 * * *", "--count", "3");
        assertThat(counted.code()).isNotZero();
        assertThat(counted.out()).contains("a count of executions is not supported");
        Run first = run(s, "cron-trigger-create", name + "_f", wf, "--pattern", "0 3 * * *", "--first-time", "2030-01-01 00:00");
        assertThat(first.out()).contains("a first execution time is not supported");
        Run badPattern = run(s, "cron-trigger-create", name + "_p", wf, "--pattern", "every day");
        assertThat(badPattern.code()).isNotZero();
        assertThat(badPattern.out()).contains("cron");
        Run events = run(s, "event-trigger-list");
        assertThat(events.code()).isNotZero();
        assertThat(events.out()).contains("event triggers are not supported");

        mistral(s, "cron-trigger-delete", name);
        assertThat(mistral(s, "cron-trigger-list", "-f", "value", "-c", "Name")).doesNotContain(name);
        assertThat(run(s, "cron-trigger-get", name).out()).contains("trigger '" + name + "' does not exist");
    }

    private static final String WORKBOOK = """
            version: '2.0'
            name: %s
            description: greetings
            tags: [ops, demo]
            actions:
              shout:
                base: std.echo
                base-input:
                  output: "{{ _.text }}!"
                input:
                  - text
            workflows:
              main:
                input:
                  - who
                tasks:
                  call:
                    workflow: greet
                    input:
                      who: "{{ _.who }}"
                    publish:
                      greeting: "{{ task().result.said }}"
              greet:
                input:
                  - who
                tasks:
                  say:
                    action: shout text="hi {{ _.who }}"
                    publish:
                      said: "{{ task().result }}"
                output:
                  said: "{{ _.said }}"
            """;

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"h2", "postgres"})
    void workbooks_register_their_workflows_under_their_name_run_them_and_take_them_away_when_deleted(String db) throws Exception {
        TestServer s = server(db);
        String wb = "wb_" + db;
        String text = WORKBOOK.formatted(wb);
        Path file = file(text);
        assertThat(mistral(s, "workbook-create", file.toString(), "-f", "value", "-c", "Name", "-c", "Tags", "-c", "Scope")).isEqualTo(wb + "\nops, demo\nprivate\n");
        assertThat(lines(mistral(s, "workbook-list", "-f", "value", "-c", "Name"))).contains(wb);
        assertThat(mistral(s, "workbook-get", wb, "-f", "value", "-c", "Tags").trim()).isEqualTo("ops, demo");
        assertThat(mistral(s, "workbook-get-definition", wb).trim()).isEqualTo(text.trim());
        assertThat(lines(mistral(s, "workflow-list", "-f", "value", "-c", "Name"))).contains(wb + ".main", wb + ".greet");

        // main calls its sibling and the sibling its ad-hoc action, both by their short names
        String id = mistral(s, "execution-create", wb + ".main", "{\"who\": \"ann\"}", "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> mistral(s, "execution-get", id, "-f", "value", "-c", "State").trim().equals("SUCCESS"));
        assertThat(Json.read(mistral(s, "execution-get-output", id))).isEqualTo(Map.of("greeting", "hi ann!"));
        assertThat(mistral(s, "execution-list", "--filter", "workflow_name=" + wb + ".greet", "-f", "value", "-c", "State").trim()).isEqualTo("SUCCESS");

        assertThat(mistral(s, "workbook-validate", file.toString(), "-f", "value", "-c", "Valid").trim()).isEqualTo("True");
        Path bad = file(text.replace("workflow: greet", "workflow: greet\n        on-success: [nowhere]"));
        String invalid = mistral(s, "workbook-validate", bad.toString(), "-f", "json");
        assertThat(Json.readMap(invalid)).containsEntry("Valid", false);
        assertThat((String) Json.readMap(invalid).get("Error")).contains("transition to unknown task 'nowhere'").contains("line 19");
        Run broken = run(s, "workbook-create", file("version: '2.0'\nname: " + wb + "_broken\nworkflows:\n  w: [\n").toString());
        assertThat(broken.code()).isNotZero();
        assertThat(broken.out()).contains("line 5, column 1").contains("malformed YAML");
        Run twice = run(s, "workbook-create", file.toString());
        assertThat(twice.code()).isNotZero();
        assertThat(twice.out()).contains("workbook '" + wb + "' already exists");

        // greet leaves the workbook and main changes; as in Mistral, the workflow left out stays until the workbook goes
        Path changed = file("""
                version: '2.0'
                name: %s
                tags: [ops]
                workflows:
                  main:
                    input:
                      - who
                    tasks:
                      say:
                        action: std.echo output="bye {{ _.who }}"
                        publish:
                          greeting: "{{ task().result }}"
                """.formatted(wb));
        assertThat(mistral(s, "workbook-update", changed.toString(), "-f", "value", "-c", "Tags").trim()).isEqualTo("ops");
        assertThat(mistral(s, "workbook-get-definition", wb)).contains("bye").doesNotContain("greet:");
        String again = mistral(s, "execution-create", wb + ".main", "{\"who\": \"bo\"}", "-f", "value", "-c", "ID").trim();
        await().atMost(Duration.ofSeconds(30)).until(() -> mistral(s, "execution-get", again, "-f", "value", "-c", "State").trim().equals("SUCCESS"));
        assertThat(Json.read(mistral(s, "execution-get-output", again))).isEqualTo(Map.of("greeting", "bye bo"));
        assertThat(lines(mistral(s, "workflow-list", "-f", "value", "-c", "Name"))).contains(wb + ".main", wb + ".greet");
        Run unknownUpdate = run(s, "workbook-update", file(text.replace("name: " + wb, "name: " + wb + "_none")).toString());
        assertThat(unknownUpdate.code()).isNotZero();
        assertThat(unknownUpdate.out()).contains("workbook '" + wb + "_none' does not exist");

        mistral(s, "workbook-delete", wb);
        assertThat(lines(mistral(s, "workbook-list", "-f", "value", "-c", "Name"))).doesNotContain(wb);
        assertThat(lines(mistral(s, "workflow-list", "-f", "value", "-c", "Name"))).doesNotContain(wb + ".main", wb + ".greet");
        assertThat(mistral(s, "execution-get", id, "-f", "value", "-c", "State").trim()).isEqualTo("SUCCESS");
        Run gone = run(s, "workbook-get", wb);
        assertThat(gone.code()).isNotZero();
        assertThat(gone.out()).contains("workbook '" + wb + "' does not exist");
        Run deletedTwice = run(s, "workbook-delete", wb);
        assertThat(deletedTwice.out()).contains("workbook '" + wb + "' does not exist");
    }

    private static List<String> lines(String out) {
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }
}
