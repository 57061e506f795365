package io.trailboss.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.auth.Auth;
import io.trailboss.json.Json;
import io.trailboss.store.Database;
import io.trailboss.testing.MistralCli.Run;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Global ad-hoc actions through Mistral's own client: action-create/update/delete/get/get-definition/list/validate,
 * and workflows that call them. The expected results of the workbook case were recorded from Mistral 15.
 */
class MistralAdHocActionsTest extends MistralClientTestBase {
    private static Run refused(TestServer server, String... args) throws Exception {
        Run r = run(server, args);
        assertThat(r.code()).as(r.out()).isNotZero();
        return r;
    }

    private static List<String> lines(String out) {
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    /** The state an execution ends in (waited for over the REST API: each run of the client costs a second). */
    private static String finished(TestServer s, String id) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("SUCCESS", "ERROR").contains(s.get("/mistral/v2/executions/" + id).map().get("state")));
        return mistral(s, "execution-get", id, "-f", "value", "-c", "State").trim();
    }

    private static final String GREETINGS = """
            ---
            version: '2.0'

            %1$s_greet:
              description: Says hello
              tags: [demo, hello]
              base: std.echo
              base-input:
                output: "Hello, <%% $.name %%>!"
              input:
                - name
                - punct: "!"
                - n: 1
              output: "<%% $ %%> (greeted)"

            %1$s_plain:
              base: %1$s_greet name="x"
            """;

    // on H2; the node test below runs the store's statements on PostgreSQL
    @Test
    void created_actions_are_listed_beside_the_built_in_ones_and_any_workflow_calls_them_by_name() throws Exception {
        TestServer s = server("h2");
        String p = "ga";
        String text = GREETINGS.formatted(p);
        Path actions = file(text);
        // as Mistral 15 answers a create: an action without input shows None
        assertThat(lines(mistral(s, "action-create", actions.toString(), "-f", "value", "-c", "Name", "-c", "Is system", "-c", "Input")))
                .containsExactly(p + "_greet False name, punct=\"!\", n=1", p + "_plain False None");
        Run twice = refused(s, "action-create", actions.toString());
        assertThat(twice.out()).contains("action '" + p + "_greet' already exists");

        List<String> listed = lines(mistral(s, "action-list", "-f", "value", "-c", "Name", "-c", "Is system"));
        assertThat(listed).contains(p + "_greet False", p + "_plain False", "std.echo True", "shell True");
        // the client asks for creation order: the registered actions (never created) first, then these as created
        assertThat(listed.indexOf("std.echo True")).isLessThan(listed.indexOf(p + "_greet False"));
        assertThat(lines(mistral(s, "action-list", "--filter", "is_system=false", "-f", "value", "-c", "Name"))).contains(p + "_greet").doesNotContain("std.echo");
        Map<String, Object> shown = Json.readMap(mistral(s, "action-get", p + "_greet", "-f", "json"));
        assertThat(shown).containsEntry("Name", p + "_greet").containsEntry("Is system", false).containsEntry("Input", "name, punct=\"!\", n=1")
                .containsEntry("Description", "Says hello").containsEntry("Tags", "demo, hello").containsEntry("Updated at", null);
        assertThat(mistral(s, "action-get", p + "_plain", "-f", "value", "-c", "Input").trim()).isEmpty();
        assertThat(mistral(s, "action-get-definition", p + "_plain")).isEqualTo(text);
        String id = (String) shown.get("ID");
        assertThat(mistral(s, "action-get", id, "-f", "value", "-c", "Name").trim()).isEqualTo(p + "_greet");

        String wf = p + "_caller";
        mistral(s, "workflow-create", file("""
                version: '2.0'
                %s:
                  tasks:
                    hello:
                      action: %s_greet name="Ann"
                      publish:
                        hello: <%% task().result %%>
                    plain:
                      action: %s_plain
                      publish:
                        plain: "{{ task().result }}"
                """.formatted(wf, p, p)).toString());
        String first = mistral(s, "execution-create", wf, "-f", "value", "-c", "ID").trim();
        assertThat(finished(s, first)).isEqualTo("SUCCESS");
        assertThat(Json.read(mistral(s, "execution-get-output", first))).isEqualTo(Map.of("hello", "Hello, Ann! (greeted)", "plain", "Hello, x! (greeted)"));

        // an update changes what the next task runs; a running execution is not pinned to the old text
        Path changed = file("""
                version: '2.0'
                %s_greet:
                  base: std.echo
                  base-input:
                    output: "Hi {{ _.name }}"
                  input:
                    - name
                """.formatted(p));
        assertThat(mistral(s, "action-update", changed.toString(), "-f", "value", "-c", "Updated at").trim()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        assertThat(mistral(s, "action-get", p + "_greet", "-f", "value", "-c", "Tags").trim()).isEqualTo("<none>");
        String second = mistral(s, "execution-create", wf, "-f", "value", "-c", "ID").trim();
        assertThat(finished(s, second)).isEqualTo("SUCCESS");
        assertThat(Json.read(mistral(s, "execution-get-output", second))).isEqualTo(Map.of("hello", "Hi Ann", "plain", "Hi x"));

        mistral(s, "action-delete", p + "_plain");
        assertThat(mistral(s, "action-list", "-f", "value", "-c", "Name")).doesNotContain(p + "_plain");
        assertThat(refused(s, "action-get", p + "_plain").out()).contains("action '" + p + "_plain' does not exist");
        // as in Mistral, a workflow that calls a deleted action fails at that task
        String third = mistral(s, "execution-create", wf, "-f", "value", "-c", "ID").trim();
        assertThat(finished(s, third)).isEqualTo("ERROR");
        String failed = mistral(s, "task-list", third, "-f", "value", "-c", "Name", "-c", "State");
        assertThat(lines(failed)).contains("plain ERROR", "hello SUCCESS");
        assertThat(s.get("/api/v1/executions/" + third + "/tasks").body()).contains("unknown action '" + p + "_plain'");
        assertThat(refused(s, "action-delete", p + "_plain").out()).contains("action '" + p + "_plain' does not exist");
    }

    @Test
    void a_workbooks_own_action_wins_over_a_global_one_of_its_name_and_a_global_actions_base_is_global() throws Exception {
        TestServer s = server("h2");
        mistral(s, "action-create", file("""
                version: '2.0'
                shout:
                  base: std.echo
                  base-input:
                    output: "global <% $.text %>"
                  input:
                    - text
                  output: "<% $ %>!"
                loud:
                  base: shout
                  input:
                    - word
                  base-input:
                    text: "<% $.word %>"
                  output:
                    said: "<% $ %>"
                """).toString());
        mistral(s, "workbook-create", file("""
                version: '2.0'
                name: wbx
                actions:
                  shout:
                    base: std.echo
                    base-input:
                      output: "workbook <% $.text %>"
                    input:
                      - text
                workflows:
                  main:
                    tasks:
                      a:
                        action: shout text="x"
                        publish:
                          a: <% task().result %>
                      b:
                        action: loud word="y"
                        publish:
                          b: <% task().result %>
                """).toString());
        String id = mistral(s, "execution-create", "wbx.main", "-f", "value", "-c", "ID").trim();
        assertThat(finished(s, id)).isEqualTo("SUCCESS");
        // what Mistral 15 gave for this workbook and these actions
        assertThat(Json.read(mistral(s, "execution-get-output", id))).isEqualTo(Map.of("a", "workbook x", "b", Map.of("said", "global y!")));
    }

    @Test
    void bad_documents_and_requests_are_refused_with_their_reason_and_validate_answers_it() throws Exception {
        TestServer s = server("h2");
        String good = "version: '2.0'\nbr_ok:\n  base: std.echo output=1\n";
        assertThat(mistral(s, "action-validate", file(good).toString(), "-f", "value", "-c", "Valid").trim()).isEqualTo("True");
        Map<String, String> bad = Map.of(
                "version: '2.0'\nbr_nobase:\n  base-input: {a: 1}\n", "action 'br_nobase' needs a 'base' action",
                "version: '2.0'\nbr_key:\n  base: std.echo\n  bogus: 1\n", "line 4, column 3",
                "br_noversion:\n  base: std.echo\n", "missing 'version",
                "version: '2.0'\nbr_missing:\n  base: missing.base\n", "base action 'missing.base' does not exist",
                "version: '2.0'\nstd.echo:\n  base: std.noop\n", "'std.echo' is a built-in action",
                "version: '2.0'\nbr_a:\n  base: br_b\nbr_b:\n  base: br_a\n", "go round in a circle",
                "version: '2.0'\n", "the document defines no action",
                "version: '2.0'\nbr_bad yaml: [\n", "line 3");
        long before = actionCount(s);
        for (var e : bad.entrySet()) {
            Path f = file(e.getKey());
            Map<String, Object> v = Json.readMap(mistral(s, "action-validate", f.toString(), "-f", "json"));
            assertThat(v).as(e.getKey()).containsEntry("Valid", false);
            assertThat((String) v.get("Error")).as(e.getKey()).contains(e.getValue());
            // the create the client sends (each run of the client costs a second: the REST call stands in for it)
            TestServer.Answer created = s.send("POST", "/mistral/v2/actions", "text/plain", e.getKey());
            assertThat(created.status()).as(e.getKey()).isEqualTo(400);
            assertThat(created.map().get("faultstring")).as(e.getKey()).asString().contains(e.getValue());
        }
        assertThat(refused(s, "action-create", file(bad.keySet().iterator().next()).toString()).out()).contains("line");
        assertThat(actionCount(s)).isEqualTo(before);

        assertThat(refused(s, "action-update", file("version: '2.0'\nbr_none:\n  base: std.noop\n").toString()).out()).contains("action 'br_none' does not exist");
        mistral(s, "action-create", file(good).toString());
        Run two = refused(s, "action-update", "--id", "br_ok", file(good + "br_other:\n  base: std.noop\n").toString());
        assertThat(two.out()).contains("takes a document of one action");
        assertThat(mistral(s, "action-update", "--id", "br_ok", file("version: '2.0'\nbr_renamed:\n  base: std.noop\n").toString(), "-f", "value", "-c", "Name").trim())
                .isEqualTo("br_renamed");
        assertThat(refused(s, "action-get", "br_ok").out()).contains("action 'br_ok' does not exist");
        assertThat(refused(s, "action-delete", "std.echo").out()).contains("action 'std.echo' is a built-in action: it cannot be deleted");
        assertThat(refused(s, "action-delete", "br_nothing").out()).contains("action 'br_nothing' does not exist");
        assertThat(refused(s, "action-get", "std.echo", "--namespace", "ns").out()).contains("namespaces are not supported");
        assertThat(refused(s, "action-create", file(good.replace("br_ok", "br_ns")).toString(), "--namespace", "ns").out()).contains("namespaces are not supported");
        assertThat(refused(s, "action-list", "--filter", "description=x").out()).contains("filter 'description' is not supported");
        assertThat(refused(s, "action-list", "--sort_keys", "input").out()).contains("actions sort by name, created_at, updated_at, id");
        assertThat(refused(s, "run-action", "br_renamed").out()).contains("ad-hoc action 'br_renamed' cannot be run directly");
        // a workflow that names an action which exists nowhere is refused as before
        assertThat(refused(s, "workflow-create", file("version: '2.0'\nbr_wf:\n  tasks:\n    t:\n      action: br_ok\n").toString()).out())
                .contains("unknown action 'br_ok'");
    }

    private static long actionCount(TestServer s) {
        return s.tb.database().jdbi().withHandle(h -> h.createQuery("select count(*) from adhoc_action").mapTo(Long.class).one());
    }

    @Test
    void a_node_sees_another_nodes_create_update_and_delete_from_its_next_transaction() throws Exception {
        String url = TestDatabases.freshPostgresUrl();
        try (TestServer a = new TestServer(Database.connect(url, null, null), Clock.systemUTC(), Auth.Mode.OPEN);
                TestServer b = new TestServer(Database.connect(url, null, null), Clock.systemUTC(), Auth.Mode.OPEN)) {
            Path caller = file("""
                    version: '2.0'
                    nodes_call:
                      tasks:
                        t:
                          action: nodes_say
                          publish:
                            r: "{{ task().result }}"
                    """);
            // node b has looked for the action, and kept what it found (nothing), before node a creates it
            assertThat(Json.readMap(mistral(b, "workflow-validate", caller.toString(), "-f", "json"))).containsEntry("Valid", false);
            mistral(a, "action-create", file("version: '2.0'\nnodes_say:\n  base: std.echo\n  base-input:\n    output: one\n").toString());
            mistral(b, "workflow-create", caller.toString());
            String one = mistral(b, "execution-create", "nodes_call", "-f", "value", "-c", "ID").trim();
            assertThat(finished(b, one)).isEqualTo("SUCCESS");
            assertThat(Json.read(mistral(b, "execution-get-output", one))).isEqualTo(Map.of("r", "one"));
            mistral(a, "action-update", file("version: '2.0'\nnodes_say:\n  base: std.echo\n  base-input:\n    output: two\n").toString());
            String two = mistral(b, "execution-create", "nodes_call", "-f", "value", "-c", "ID").trim();
            assertThat(finished(b, two)).isEqualTo("SUCCESS");
            assertThat(Json.read(mistral(b, "execution-get-output", two))).isEqualTo(Map.of("r", "two"));
            mistral(a, "action-delete", "nodes_say");
            assertThat(finished(b, mistral(b, "execution-create", "nodes_call", "-f", "value", "-c", "ID").trim())).isEqualTo("ERROR");
        }
    }
}
