package io.trailboss.conformance;

import static io.trailboss.model.ExecutionState.ERROR;
import static io.trailboss.model.ExecutionState.IDLE;
import static io.trailboss.model.ExecutionState.PAUSED;
import static io.trailboss.model.ExecutionState.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.trailboss.app.Trailboss;
import io.trailboss.engine.ConflictException;
import io.trailboss.engine.Engine;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.StartRequest;
import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.model.Job;
import io.trailboss.testing.TestDatabases;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mistral Workflow Language v2 conformance: each case is a workflow with the result Mistral 15
 * produces for it, run on the embedded H2 database and on PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MistralConformanceTest {
    private static final HttpServer HTTP = httpServer();
    private static final String BASE_URL = "http://127.0.0.1:" + HTTP.getAddress().getPort();

    private final Map<String, Trailboss> instances = new ConcurrentHashMap<>();

    private Trailboss tb(String db) {
        return instances.computeIfAbsent(db, kind -> new Trailboss(TestDatabases.of(kind), Clock.systemUTC()).recover());
    }

    @AfterAll
    void close() {
        instances.values().forEach(Trailboss::close);
        HTTP.stop(0);
    }

    Stream<Arguments> cases() {
        return Stream.of("h2", "postgres").flatMap(db -> all().stream().map(c -> Arguments.of(db, c)));
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("cases")
    void conforms(String db, Case c) throws Exception {
        Trailboss tb = tb(db);
        for (String prelude : c.preludes) tb.catalog().createOrUpdate(c.render(prelude));
        tb.catalog().createOrUpdate(c.render(c.yaml));
        Execution started = tb.engine().start(new StartRequest(c.workflow(), c.input, c.env, null, c.targetTask));
        Run run = new Run(tb, started.id());
        if (c.driver != null) c.driver.drive(run);
        Execution done = run.awaitFinal();
        String why = "state_info: " + done.stateInfo() + ", output: " + done.output() + ", tasks: "
                + run.tasks().stream().map(t -> t.name() + "=" + t.state() + (t.stateInfo() == null ? "" : "(" + t.stateInfo() + ")")).toList();
        assertThat(done.state()).as(why).isEqualTo(c.expected);
        if (c.checkOutput) assertThat(plain(done.output())).as(why).isEqualTo(plain(c.output));
        c.taskStates.forEach((task, state) -> assertThat(run.task(task).state()).as("task " + task + "; " + why).isEqualTo(state));
        for (String task : c.absent) assertThat(run.all(task)).as("task " + task + " must not run; " + why).isEmpty();
        for (var check : c.checks) check.accept(run);
    }

    // ------------------------------------------------------------------ input validation

    @ParameterizedTest(name = "[{0}] missing_and_unknown_inputs_are_rejected_naming_the_field")
    @ValueSource(strings = {"h2", "postgres"})
    void missing_and_unknown_inputs_are_rejected_naming_the_field(String db) {
        Trailboss tb = tb(db);
        tb.catalog().createOrUpdate("""
                version: '2.0'
                input_validation:
                  input:
                    - host
                    - port: 22
                  tasks:
                    t1: {}
                """);
        assertThatThrownBy(() -> tb.engine().start(StartRequest.of("input_validation", Map.of("port", 2222))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("host"))
                .hasMessageContaining("host");
        assertThatThrownBy(() -> tb.engine().start(StartRequest.of("input_validation", Map.of("host", "h", "colour", "red"))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("colour"))
                .hasMessageContaining("colour");
    }

    // ------------------------------------------------------------------ the cases

    // A workflow's default output (no 'output', or an error without 'output-on-error') holds its vars and what its
    // last tasks published, never its input: recorded on Mistral 15 (src/test/resources/mistral/yaql/04, 11, 19).
    private static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        cases.addAll(dataflow());
        cases.addAll(transitions());
        cases.addAll(joins());
        cases.addAll(withItems());
        cases.addAll(policies());
        cases.addAll(composition());
        cases.addAll(YaqlCases.all());
        return cases;
    }

    private static List<Case> dataflow() {
        return List.of(
                Case.of("input_defaults_apply_when_input_is_omitted", """
                        version: '2.0'
                        WF:
                          input:
                            - a
                            - b: 2
                          tasks:
                            t1:
                              action: std.echo output="{{ _.a }}-{{ _.b }}"
                              publish:
                                r: "{{ task().result }}"
                        """).input(Map.of("a", 1)).output(map("r", "1-2")),

                Case.of("vars_are_evaluated_from_input_at_start_and_visible_to_tasks", """
                        version: '2.0'
                        WF:
                          input:
                            - name
                          vars:
                            greeting: "Hi {{ _.name }}"
                            count: 3
                          tasks:
                            t1:
                              action: std.echo output="{{ _.greeting }} x{{ _.count }}"
                              publish:
                                r: "{{ task().result }}"
                        """).input(Map.of("name", "Ada")).output(map("greeting", "Hi Ada", "count", 3, "r", "Hi Ada x3")),

                Case.of("publish_makes_a_value_visible_to_the_next_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output=20
                              publish:
                                x: "{{ task().result }}"
                              on-success: t2
                            t2:
                              action: std.echo output="{{ _.x + 1 }}"
                              publish:
                                y: "{{ task().result }}"
                        """).output(map("x", 20, "y", 21)),

                Case.of("parallel_branches_do_not_see_each_others_publishes", """
                        version: '2.0'
                        WF:
                          tasks:
                            a:
                              publish:
                                x: 1
                              on-success: a2
                            b:
                              publish:
                                y: 2
                              on-success: b2
                            a2:
                              publish:
                                a_sees_y: "{{ _.y is defined }}"
                            b2:
                              publish:
                                b_sees_x: "{{ _.x is defined }}"
                        """).output(map("x", 1, "y", 2, "a_sees_y", false, "b_sees_x", false)),

                Case.of("an_expression_spanning_a_line_break_is_left_as_text", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              publish:
                                multi: "{{ 1 +\\n 1 }}"
                                mixed: "{{ 1 + 1 }} and {{ 2 +\\n 2 }}"
                        """).output(map("multi", "{{ 1 +\n 1 }}", "mixed", "2 and 4")),

                Case.of("dictionary_keys_are_not_evaluated", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo
                              input:
                                output:
                                  "{{ 'key' }}": "{{ 'value' }}"
                              publish:
                                r: "{{ task().result }}"
                        """).output(map("r", map("{{ 'key' }}", "value"))),

                Case.of("task_and_execution_describe_themselves", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              publish:
                                me: "{{ task().name }}"
                                my_state: "{{ task().state }}"
                                wf: "{{ execution().name }}"
                                ex_id: "{{ execution().id }}"
                        """).check(run -> assertThat(run.output()).containsEntry("me", "t1").containsEntry("my_state", "SUCCESS")
                                .containsEntry("wf", "task_and_execution_describe_themselves").containsEntry("ex_id", run.executionId())),

                Case.of("task_result_is_readable_by_name_from_a_later_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            first:
                              action: std.echo
                              input:
                                output:
                                  k: v
                              on-success: second
                            second:
                              publish:
                                seen: "{{ task('first').result.k }}"
                                state: "{{ task('first').state }}"
                                missing: "{{ task('never_ran') }}"
                        """).output(map("seen", "v", "state", "SUCCESS", "missing", null)),

                Case.of("execution_input_is_readable_through_execution", """
                        version: '2.0'
                        WF:
                          input:
                            - a
                          tasks:
                            t1:
                              publish:
                                a: overwritten in the branch
                                original: "{{ execution().input.a }}"
                        """).input(Map.of("a", "given")).output(map("a", "overwritten in the branch", "original", "given")),

                Case.of("env_passed_at_start_is_readable_through_env", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output="{{ env().region }}"
                              publish:
                                region: "{{ task().result }}"
                        """).env(Map.of("region", "eu-west")).output(map("region", "eu-west")),

                Case.of("json_dump_writes_json_as_python_indent_4_and_json_parse_reads_it_back", """
                        version: '2.0'
                        WF:
                          input:
                            - obj
                          tasks:
                            t1:
                              publish:
                                text: "{{ json_dump(_.obj) }}"
                              on-success: t2
                            t2:
                              publish:
                                back: "{{ json_parse(_.text) }}"
                                second: "{{ json_parse(_.text).b[1] }}"
                        """).input(map("obj", map("a", 1, "b", List.of(1, 2))))
                        .output(map("text", "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        2\n    ]\n}",
                                "back", map("a", 1, "b", List.of(1, 2)), "second", 2)),

                Case.of("yaml_dump_writes_block_yaml_and_yaml_parse_reads_it_back", """
                        version: '2.0'
                        WF:
                          input:
                            - obj
                          tasks:
                            t1:
                              publish:
                                text: "{{ yaml_dump(_.obj) }}"
                              on-success: t2
                            t2:
                              publish:
                                back: "{{ yaml_parse(_.text) }}"
                        """).input(map("obj", map("a", "x", "b", List.of(1, 2))))
                        .output(map("text", "a: x\nb:\n- 1\n- 2\n", "back", map("a", "x", "b", List.of(1, 2)))),

                Case.of("a_single_expression_keeps_its_native_type_and_mixed_text_renders_a_string", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              publish:
                                total: "{{ [1, 2, 3] | sum }}"
                                quoted: "{{ '5' }}"
                                text: "n={{ 1 + 1 }}"
                                list: "{{ [1, 2] }}"
                                flag: "{{ 2 > 1 }}"
                                plain: no expression here
                        """).output(map("total", 6, "quoted", "5", "text", "n=2", "list", List.of(1, 2), "flag", true, "plain", "no expression here")),

                // recorded on Mistral 15 (src/test/resources/mistral/yaql/03-echo-params): the inline value wins
                Case.of("inline_parameters_merge_with_input_and_the_inline_value_wins", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output="inline"
                              input:
                                output: explicit
                              publish:
                                r: "{{ task().result }}"
                        """).output(map("r", "inline")),

                Case.of("uuid_gives_a_fresh_identifier", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              publish:
                                id: "{{ uuid() }}"
                        """).check(run -> assertThat((String) run.output().get("id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")),

                Case.of("omitted_output_is_the_merged_context_of_the_tasks_that_ended_the_workflow", """
                        version: '2.0'
                        WF:
                          input:
                            - a
                          vars:
                            v: 1
                          tasks:
                            t1:
                              publish:
                                p1: one
                              on-success: t2
                            t2:
                              publish:
                                p2: two
                            t3:
                              publish:
                                p3: three
                        """).input(Map.of("a", "A")).output(map("v", 1, "p1", "one", "p2", "two", "p3", "three")),

                Case.of("explicit_output_is_evaluated_against_the_final_context", """
                        version: '2.0'
                        WF:
                          input:
                            - n
                          output:
                            next: "{{ _.n + 1 }}"
                            greeting: "{{ _.g }}"
                          tasks:
                            t1:
                              publish:
                                g: hello
                        """).input(Map.of("n", 1)).output(map("next", 2, "greeting", "hello")),

                Case.of("an_explicit_output_that_evaluates_to_nothing_gives_the_whole_context", """
                        version: '2.0'
                        WF:
                          output: {}
                          tasks:
                            t1:
                              publish:
                                p: 1
                        """).output(map("p", 1)),

                Case.of("output_on_error_is_merged_into_the_error_result", """
                        version: '2.0'
                        WF:
                          output-on-error:
                            stage: "{{ _.stage }}"
                          tasks:
                            t1:
                              publish:
                                stage: deploying
                              on-success: t2
                            t2:
                              action: std.fail
                        """).state(ERROR).tasks("t1", SUCCESS, "t2", ERROR).check(run -> {
                            assertThat(run.output()).containsOnlyKeys("result", "stage").containsEntry("stage", "deploying");
                            assertThat((String) run.output().get("result")).contains("t2");
                        }),

                Case.of("an_error_without_output_on_error_carries_the_final_context_with_the_result", """
                        version: '2.0'
                        WF:
                          input:
                            - a
                          tasks:
                            t1:
                              publish:
                                p: 2
                              on-success: t2
                            t2:
                              action: std.fail
                        """).input(Map.of("a", 1)).state(ERROR).check(run -> {
                            assertThat(run.output()).containsOnlyKeys("result", "p").containsEntry("p", 2);
                            assertThat((String) run.output().get("result")).contains("t2");
                        }),

                Case.of("publish_on_error_publishes_from_a_failed_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail error_data=boom
                              publish:
                                never: published
                              publish-on-error:
                                why: "{{ task().result }}"
                              on-error: handle
                            handle:
                              publish:
                                seen: "{{ _.why }}"
                        """).output(map("why", "boom", "seen", "boom")),

                Case.of("an_expression_error_in_publish_fails_the_task_and_the_workflow", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              publish:
                                bad: "{{ json_parse('{') }}"
                              on-success: t2
                            t2: {}
                        """).state(ERROR).tasks("t1", ERROR).absent("t2"));
    }

    private static List<Case> transitions() {
        return List.of(
                Case.of("on_error_handles_the_error_and_the_workflow_succeeds", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              on-error: handle
                            handle: {}
                        """).tasks("t1", ERROR, "handle", SUCCESS),

                Case.of("on_complete_does_not_handle_the_error_so_the_workflow_fails", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              on-complete: after
                            after: {}
                        """).state(ERROR).tasks("t1", ERROR, "after", SUCCESS),

                Case.of("on_error_and_on_complete_both_run_for_a_failed_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              on-error: handle
                              on-complete: always
                            handle: {}
                            always: {}
                        """).tasks("t1", ERROR, "handle", SUCCESS, "always", SUCCESS),

                Case.of("pause_by_request_lets_running_tasks_finish_and_resume_continues", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.sleep seconds=0.3
                              on-success: t2
                            t2:
                              action: std.echo output=resumed
                              publish:
                                r: "{{ task().result }}"
                        """).drive(run -> {
                            run.tb().engine().pause(run.executionId(), null);
                            await().atMost(Run.TIMEOUT).until(() -> run.task("t1").state() == SUCCESS);
                            Thread.sleep(200);
                            assertThat(run.execution().state()).isEqualTo(PAUSED);
                            assertThat(run.all("t2").stream().filter(t -> t.state() != IDLE)).isEmpty();
                            run.tb().engine().resume(run.executionId(), null);
                        }).tasks("t1", SUCCESS, "t2", SUCCESS).output(map("r", "resumed")),

                Case.of("on_complete_runs_after_on_success", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              on-success: a
                              on-complete: b
                            a: {}
                            b: {}
                        """).tasks("a", SUCCESS, "b", SUCCESS),

                Case.of("on_success_guards_choose_the_branch", """
                        version: '2.0'
                        WF:
                          input:
                            - n
                          tasks:
                            t1:
                              on-success:
                                - big: "{{ _.n > 3 }}"
                                - small: "{{ _.n <= 3 }}"
                            big: {}
                            small: {}
                        """).input(Map.of("n", 5)).tasks("big", SUCCESS).absent("small"),

                Case.of("on_error_guards_see_the_error_result", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail error_data=disk
                              on-error:
                                - disk: "{{ task().result == 'disk' }}"
                                - other: "{{ task().result != 'disk' }}"
                            disk: {}
                            other: {}
                        """).tasks("disk", SUCCESS).absent("other"),

                Case.of("an_on_error_whose_guards_are_all_false_leaves_the_error_unhandled", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              on-error:
                                - never: "{{ false }}"
                            never: {}
                        """).state(ERROR).absent("never"),

                Case.of("std_fail_reports_its_error_text_as_the_task_result", """
                        version: '2.0'
                        WF:
                          tasks:
                            plain:
                              action: std.fail
                              on-error: custom
                            custom:
                              action: std.fail error_data="custom failure"
                              on-error: look
                            look:
                              publish:
                                plain: "{{ task('plain').result }}"
                                custom: "{{ task('custom').result }}"
                        """).check(run -> {
                            assertThat((String) run.output().get("plain")).contains("Fail action expected exception.");
                            assertThat(run.output()).containsEntry("custom", "custom failure");
                        }),

                Case.of("fail_command_fails_the_workflow_with_its_message", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              on-success:
                                - fail msg="stopped on purpose"
                                - t2
                            t2: {}
                        """).state(ERROR).tasks("t1", SUCCESS).absent("t2")
                        .check(run -> assertThat(run.execution().stateInfo()).isEqualTo("stopped on purpose")),

                Case.of("succeed_command_ends_the_workflow_successfully_and_drops_later_entries", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              on-success:
                                - succeed
                                - t2
                            t2: {}
                        """).tasks("t1", SUCCESS).absent("t2"),

                Case.of("succeed_command_in_on_error_makes_a_failed_workflow_succeed", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              on-error: succeed
                        """).tasks("t1", ERROR),

                Case.of("noop_command_in_on_error_handles_the_error", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              on-error: noop
                        """).tasks("t1", ERROR),

                Case.of("pause_command_pauses_and_the_rest_of_the_clause_runs_on_resume", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              on-success:
                                - pause
                                - t2
                            t2:
                              action: std.echo output=after
                              publish:
                                r: "{{ task().result }}"
                        """).drive(run -> {
                            assertThat(run.awaitState(PAUSED).state()).isEqualTo(PAUSED);
                            assertThat(run.all("t2").stream().filter(t -> t.state() == SUCCESS)).isEmpty();
                            run.tb().engine().resume(run.executionId(), null);
                        }).tasks("t2", SUCCESS).output(map("r", "after")),

                Case.of("a_cycle_repeats_until_its_guard_stops_it", """
                        version: '2.0'
                        WF:
                          tasks:
                            init:
                              publish:
                                i: 0
                              on-success: loop
                            loop:
                              action: std.echo output="{{ _.i + 1 }}"
                              publish:
                                i: "{{ task().result }}"
                              on-success:
                                - loop: "{{ _.i < 3 }}"
                                - done: "{{ _.i >= 3 }}"
                            done:
                              publish:
                                final: "{{ _.i }}"
                        """).output(map("i", 3, "final", 3)).check(run -> assertThat(run.all("loop")).hasSize(3)),

                Case.of("task_defaults_on_error_routes_failures_to_a_handler", """
                        version: '2.0'
                        WF:
                          task-defaults:
                            on-error:
                              - cleanup
                          tasks:
                            t1:
                              action: std.fail
                            cleanup: {}
                        """).tasks("t1", ERROR, "cleanup", SUCCESS).check(run -> assertThat(run.all("cleanup")).hasSize(1)),

                Case.of("task_defaults_on_error_never_sends_the_handler_to_itself", """
                        version: '2.0'
                        WF:
                          task-defaults:
                            on-error:
                              - cleanup
                          tasks:
                            t1:
                              action: std.fail
                            cleanup:
                              action: std.fail
                        """).state(ERROR).tasks("cleanup", ERROR).check(run -> assertThat(run.all("cleanup")).hasSize(1)),

                Case.of("task_defaults_retry_applies_to_every_task", """
                        version: '2.0'
                        WF:
                          task-defaults:
                            retry:
                              count: 1
                          tasks:
                            t1:
                              action: std.fail
                        """).state(ERROR).check(run -> assertThat(run.jobs("t1")).hasSize(2)));
    }

    private static List<Case> joins() {
        return List.of(
                Case.of("join_all_waits_for_every_branch_and_merges_their_publishes", """
                        version: '2.0'
                        WF:
                          tasks:
                            a:
                              action: std.echo output=1
                              publish:
                                x: "{{ task().result }}"
                              on-success: c
                            b:
                              action: std.sleep seconds=0.2
                              publish:
                                y: 2
                              on-success: c
                            c:
                              join: all
                              action: std.echo output="{{ _.x + _.y }}"
                              publish:
                                sum: "{{ task().result }}"
                        """).output(map("x", 1, "y", 2, "sum", 3)).check(run -> assertThat(run.all("c")).hasSize(1)),

                Case.of("join_one_runs_once_on_the_first_arrival", """
                        version: '2.0'
                        WF:
                          tasks:
                            fast:
                              on-success: c
                            slow:
                              action: std.sleep seconds=0.3
                              on-success: c
                            c:
                              join: one
                        """).tasks("c", SUCCESS, "slow", SUCCESS).check(run -> {
                            assertThat(run.all("c")).hasSize(1);
                            assertThat(run.task("c").createdAt()).isLessThan(run.jobs("slow").getFirst().finishedAt());
                        }),

                Case.of("join_with_a_number_runs_after_that_many_arrivals", """
                        version: '2.0'
                        WF:
                          tasks:
                            a:
                              on-success: c
                            b:
                              on-success: c
                            slow:
                              action: std.sleep seconds=0.5
                              on-success: c
                            c:
                              join: 2
                        """).tasks("c", SUCCESS).check(run -> {
                            assertThat(run.all("c")).hasSize(1);
                            assertThat(run.task("c").createdAt()).isLessThan(run.jobs("slow").getFirst().finishedAt());
                        }),

                Case.of("join_all_that_can_never_be_satisfied_errors_the_workflow", """
                        version: '2.0'
                        WF:
                          tasks:
                            a:
                              on-success: c
                            b:
                              on-success:
                                - c: "{{ false }}"
                            c:
                              join: all
                        """).state(ERROR).tasks("a", SUCCESS, "b", SUCCESS, "c", ERROR),

                Case.of("join_counts_an_arrival_through_on_error", """
                        version: '2.0'
                        WF:
                          tasks:
                            a:
                              action: std.fail
                              on-error: c
                            b:
                              on-success: c
                            c:
                              join: all
                        """).tasks("a", ERROR, "c", SUCCESS));
    }

    private static List<Case> withItems() {
        return List.of(
                Case.of("with_items_runs_the_action_per_item_and_keeps_item_order", """
                        version: '2.0'
                        WF:
                          input:
                            - url
                            - delays
                          tasks:
                            t1:
                              with-items: d in {{ _.delays }}
                              action: std.http
                              input:
                                url: "{{ _.url }}"
                                params:
                                  delay: "{{ _.d }}"
                              publish:
                                values: "{{ task().result | map(attribute='content') | map(attribute='v') | list }}"
                        """).input(map("url", BASE_URL + "/echo", "delays", List.of(300, 10, 150)))
                        .check(run -> assertThat(run.output().get("values")).isEqualTo(List.of("300", "10", "150"))),

                Case.of("with_items_zips_several_lists", """
                        version: '2.0'
                        WF:
                          input:
                            - ys
                          tasks:
                            t1:
                              with-items:
                                - x in [1, 2, 3]
                                - y in {{ _.ys }}
                              action: std.echo output="{{ _.x }}{{ _.y }}"
                              publish:
                                r: "{{ task().result }}"
                        """).input(map("ys", List.of("a", "b", "c"))).check(run -> assertThat(run.output().get("r")).isEqualTo(List.of("1a", "2b", "3c"))),

                Case.of("with_items_concurrency_limits_items_running_at_once", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              with-items: x in [1, 2, 3, 4]
                              concurrency: 2
                              action: std.sleep seconds=0.2
                        """).check(run -> {
                            List<Job> jobs = run.jobs("t1");
                            assertThat(jobs).hasSize(4).allMatch(j -> j.state() == io.trailboss.model.JobState.SUCCEEDED);
                            for (Job j : jobs) {
                                long overlapping = jobs.stream().filter(o -> o.startedAt() <= j.startedAt() && o.finishedAt() > j.startedAt()).count();
                                assertThat(overlapping).as("jobs running when item " + j.itemIndex() + " started").isLessThanOrEqualTo(2);
                            }
                        }),

                Case.of("with_items_concurrency_may_be_an_expression", """
                        version: '2.0'
                        WF:
                          input:
                            - limit: 1
                          tasks:
                            t1:
                              with-items: x in [1, 2, 3]
                              concurrency: "{{ _.limit }}"
                              action: std.sleep seconds=0.1
                        """).check(run -> {
                            List<Job> jobs = run.jobs("t1");
                            assertThat(jobs).hasSize(3);
                            for (int i = 1; i < jobs.size(); i++) assertThat(jobs.get(i).startedAt()).isGreaterThanOrEqualTo(jobs.get(i - 1).finishedAt());
                        }),

                Case.of("with_items_over_an_empty_list_gives_an_empty_result", """
                        version: '2.0'
                        WF:
                          input:
                            - xs
                          tasks:
                            t1:
                              with-items: x in {{ _.xs }}
                              action: std.echo output="{{ _.x }}"
                              publish:
                                r: "{{ task().result }}"
                        """).input(map("xs", List.of())).output(map("r", List.of())),

                Case.of("with_items_retry_reruns_every_item", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              with-items: x in [1, 2]
                              action: std.fail
                              retry:
                                count: 1
                        """).state(ERROR).check(run -> assertThat(run.jobs("t1")).hasSize(4)),

                Case.of("with_items_over_a_sub_workflow_collects_each_output_in_order", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              with-items: n in [1, 2, 3]
                              workflow: WF_square
                              input:
                                n: "{{ _.n }}"
                              publish:
                                squares: "{{ task().result | map(attribute='sq') | list }}"
                        WF_square:
                          input:
                            - n
                          output:
                            sq: "{{ _.n * _.n }}"
                          tasks:
                            t: {}
                        """).output(map("squares", List.of(1, 4, 9))),

                Case.of("with_items_fails_the_task_when_one_item_fails", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              with-items: x in [0.01, "bad", 0.02]
                              action: std.sleep seconds="{{ _.x }}"
                              on-success: never
                            never: {}
                        """).state(ERROR).tasks("t1", ERROR).absent("never"));
    }

    private static List<Case> policies() {
        return List.of(
                Case.of("retry_count_3_makes_4_attempts", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              retry:
                                count: 3
                        """).state(ERROR).check(run -> assertThat(run.jobs("t1")).hasSize(4)),

                Case.of("retry_stops_once_an_attempt_succeeds", """
                        version: '2.0'
                        WF:
                          input:
                            - url
                          tasks:
                            t1:
                              action: std.http
                              input:
                                url: "{{ _.url }}"
                                params:
                                  key: "{{ execution().id }}"
                              retry:
                                count: 5
                              publish:
                                status: "{{ task().result.status }}"
                        """).input(map("url", BASE_URL + "/flaky")).check(run -> {
                            assertThat(run.jobs("t1")).hasSize(3);
                            assertThat(run.output()).containsEntry("status", 200);
                        }),

                Case.of("retry_delay_waits_between_attempts", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              retry:
                                count: 2
                                delay: 0.2
                        """).state(ERROR).check(run -> {
                            List<Job> jobs = run.jobs("t1");
                            assertThat(jobs).hasSize(3);
                            assertThat(jobs.get(2).createdAt() - jobs.get(0).finishedAt()).isGreaterThanOrEqualTo(380);
                        }),

                Case.of("retry_break_on_stops_retrying", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail error_data=stop
                              retry:
                                count: 5
                                break-on: "{{ task().result == 'stop' }}"
                        """).state(ERROR).check(run -> assertThat(run.jobs("t1")).hasSize(1)),

                Case.of("retry_continue_on_repeats_a_successful_task_while_it_holds", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output=1
                              retry:
                                count: 2
                                continue-on: "{{ task().result == 1 }}"
                        """).tasks("t1", SUCCESS).check(run -> assertThat(run.jobs("t1")).hasSize(3)),

                Case.of("wait_before_delays_the_start_of_a_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              wait-before: 0.3
                        """).check(run -> assertThat(run.jobs("t1").getFirst().createdAt() - run.task("t1").createdAt()).isGreaterThanOrEqualTo(280)),

                Case.of("wait_after_delays_the_transition_to_the_next_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              wait-after: 0.3
                              on-success: t2
                            t2: {}
                        """).tasks("t2", SUCCESS)
                        .check(run -> assertThat(run.task("t2").createdAt() - run.jobs("t1").getFirst().finishedAt()).isGreaterThanOrEqualTo(280)),

                Case.of("timeout_fails_a_task_that_runs_too_long", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.sleep seconds=3
                              timeout: 0.3
                        """).state(ERROR).tasks("t1", ERROR).check(run -> {
                            Execution ex = run.execution();
                            assertThat(ex.finishedAt() - ex.createdAt()).isLessThan(2500);
                            assertThat(run.task("t1").stateInfo()).contains("timed out");
                        }),

                Case.of("a_timeout_is_a_failed_attempt_that_retry_repeats", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.sleep seconds=3
                              timeout: 0.2
                              retry:
                                count: 1
                        """).state(ERROR).tasks("t1", ERROR).check(run -> {
                            assertThat(run.jobs("t1")).hasSize(2);
                            Execution ex = run.execution();
                            assertThat(ex.finishedAt() - ex.createdAt()).isLessThan(2500);
                        }),

                Case.of("pause_before_pauses_the_execution_until_resumed", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              on-success: t2
                            t2:
                              pause-before: true
                              action: std.echo output=2
                              publish:
                                r: "{{ task().result }}"
                        """).drive(run -> {
                            assertThat(run.awaitState(PAUSED).state()).isEqualTo(PAUSED);
                            assertThat(run.task("t2").state()).isEqualTo(IDLE);
                            assertThat(run.jobs("t2")).isEmpty();
                            run.tb().engine().resume(run.executionId(), null);
                        }).tasks("t2", SUCCESS).output(map("r", 2)),

                Case.of("fail_on_fails_a_task_whose_action_succeeded", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output=5
                              fail-on: "{{ task().result > 3 }}"
                              on-success: never
                            never: {}
                        """).state(ERROR).tasks("t1", ERROR).absent("never"),

                Case.of("keep_result_false_does_not_keep_the_task_result", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output="large"
                              keep-result: false
                              on-success: t2
                            t2:
                              publish:
                                seen: "{{ task('t1').result }}"
                        """).output(map("seen", null)));
    }

    private static List<Case> composition() {
        return List.of(
                Case.of("reverse_workflow_runs_only_the_tasks_the_target_requires", """
                        version: '2.0'
                        WF:
                          type: reverse
                          tasks:
                            a:
                              action: std.echo output=1
                              publish:
                                a: "{{ task().result }}"
                            b:
                              requires: [a]
                              action: std.echo output="{{ _.a + 1 }}"
                              publish:
                                b: "{{ task().result }}"
                            c:
                              requires: [b]
                              publish:
                                c: "{{ _.b + 1 }}"
                            unrelated: {}
                        """).target("c").tasks("a", SUCCESS, "b", SUCCESS, "c", SUCCESS).absent("unrelated").output(map("a", 1, "b", 2, "c", 3)),

                Case.of("reverse_workflow_stops_when_a_required_task_fails", """
                        version: '2.0'
                        WF:
                          type: reverse
                          tasks:
                            a:
                              action: std.fail
                            b:
                              requires: [a]
                        """).target("b").state(ERROR).tasks("a", ERROR).absent("b"),

                Case.of("async_action_completed_with_an_error_fails_the_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            wait:
                              action: std.async_noop
                              on-success: never
                            never: {}
                        """).drive(run -> {
                            await().atMost(Run.TIMEOUT).until(() -> !run.all("wait").isEmpty() && run.jobs("wait").stream().anyMatch(Job::async));
                            Job job = run.jobs("wait").getFirst();
                            assertThat(run.tb().engine().completeAsync(job.id(), false, null, "remote said no").changed()).isTrue();
                        }).state(ERROR).tasks("wait", ERROR).absent("never")
                        .check(run -> assertThat(run.task("wait").stateInfo()).contains("remote said no")),

                Case.of("sub_workflow_in_the_same_document_returns_its_output_as_the_task_result", """
                        version: '2.0'
                        WF:
                          tasks:
                            call:
                              workflow: WF_child
                              input:
                                x: 21
                              publish:
                                doubled: "{{ task().result.doubled }}"
                        WF_child:
                          input:
                            - x
                          output:
                            doubled: "{{ _.x * 2 }}"
                          tasks:
                            t: {}
                        """).output(map("doubled", 42)),

                Case.of("sub_workflow_stored_separately_takes_inline_input_and_defaults", """
                        version: '2.0'
                        WF:
                          tasks:
                            call:
                              workflow: WF_lib who=Ada
                              publish:
                                text: "{{ task().result.text }}"
                        """).prelude("""
                        version: '2.0'
                        WF_lib:
                          input:
                            - who
                            - greeting: Hello
                          output:
                            text: "{{ _.greeting }}, {{ _.who }}"
                          tasks:
                            t: {}
                        """).output(map("text", "Hello, Ada")),

                Case.of("sub_workflow_error_fails_the_calling_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            call:
                              workflow: WF_child
                              on-success: never
                            never: {}
                        WF_child:
                          tasks:
                            t:
                              action: std.fail
                        """).state(ERROR).tasks("call", ERROR).absent("never"),

                Case.of("sub_workflow_missing_a_required_input_fails_the_calling_task", """
                        version: '2.0'
                        WF:
                          tasks:
                            call:
                              workflow: WF_child
                        WF_child:
                          input:
                            - needed
                          tasks:
                            t: {}
                        """).state(ERROR).tasks("call", ERROR).check(run -> assertThat(run.task("call").stateInfo()).contains("needed")),

                Case.of("sub_workflow_sees_the_env_of_its_parent", """
                        version: '2.0'
                        WF:
                          tasks:
                            call:
                              workflow: WF_child
                              publish:
                                region: "{{ task().result.region }}"
                        WF_child:
                          output:
                            region: "{{ env().region }}"
                          tasks:
                            t: {}
                        """).env(Map.of("region", "eu-west")).output(map("region", "eu-west")),

                Case.of("ad_hoc_actions_apply_base_input_defaults_and_output_and_nest", """
                        version: '2.0'
                        actions:
                          WF_greet:
                            base: std.echo
                            base-input:
                              output: "{{ _.greeting }}, {{ _.name }}"
                            input:
                              - name
                              - greeting: Hello
                            output: "{{ _ | upper }}"
                          WF_shout:
                            base: WF_greet
                            base-input:
                              name: "{{ _.who }}"
                            input:
                              - who
                            output: "{{ _ ~ '!' }}"
                        workflows:
                          WF:
                            tasks:
                              t1:
                                action: WF_greet name=Ada
                                publish:
                                  r: "{{ task().result }}"
                                on-success: t2
                              t2:
                                action: WF_shout who=Bob
                                publish:
                                  s: "{{ task().result }}"
                        """).output(map("r", "HELLO, ADA", "s", "HELLO, BOB!")),

                Case.of("async_action_waits_for_an_idempotent_external_completion", """
                        version: '2.0'
                        WF:
                          tasks:
                            wait:
                              action: std.async_noop
                              publish:
                                got: "{{ task().result.v }}"
                        """).drive(run -> {
                            await().atMost(Run.TIMEOUT).until(() -> !run.all("wait").isEmpty() && run.jobs("wait").stream().anyMatch(Job::async));
                            Job job = run.jobs("wait").getFirst();
                            Engine engine = run.tb().engine();
                            assertThat(engine.completeAsync(job.id(), true, Map.of("v", 7), null).changed()).isTrue();
                            assertThat(engine.completeAsync(job.id(), true, Map.of("v", 7), null).changed()).isFalse();
                            assertThatThrownBy(() -> engine.completeAsync(job.id(), false, null, "too late")).isInstanceOf(ConflictException.class);
                        }).output(map("got", 7)),

                Case.of("std_http_calls_a_server_and_returns_status_and_parsed_json", """
                        version: '2.0'
                        WF:
                          input:
                            - url
                          tasks:
                            get:
                              action: std.http url="{{ _.url }}" method=POST
                              input:
                                json:
                                  name: Ada
                              publish:
                                status: "{{ task().result.status }}"
                                greeting: "{{ task().result.content.greeting }}"
                                method: "{{ task().result.content.method }}"
                        """).input(map("url", BASE_URL + "/hello"))
                        .output(map("status", 200, "greeting", "hi Ada", "method", "POST")),

                Case.of("std_http_fails_the_task_on_an_error_status", """
                        version: '2.0'
                        WF:
                          input:
                            - url
                          tasks:
                            get:
                              action: std.http url="{{ _.url }}"
                        """).input(map("url", BASE_URL + "/missing")).state(ERROR).tasks("get", ERROR));
    }

    // ------------------------------------------------------------------ helpers

    /** A map that allows nulls and keeps order, for expected outputs. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** Both sides through JSON, so 1 and 1L compare equal as they would in Mistral's JSON. */
    private static Object plain(Object value) {
        return Json.read(Json.write(value));
    }

    /** A tiny HTTP peer for std.http: JSON greetings, delayed echoes, a flaky endpoint and a 404. */
    private static HttpServer httpServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/hello", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Object name = body.isEmpty() ? "nobody" : Json.readMap(body).get("name");
                reply(ex, 200, Map.of("greeting", "hi " + name, "method", ex.getRequestMethod()));
            });
            server.createContext("/echo", ex -> {
                String delay = query(ex, "delay");
                try {
                    Thread.sleep(Long.parseLong(delay));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply(ex, 200, Map.of("v", delay));
            });
            Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
            server.createContext("/flaky", ex -> {
                int n = calls.computeIfAbsent(query(ex, "key"), k -> new AtomicInteger()).incrementAndGet();
                reply(ex, n <= 2 ? 503 : 200, Map.of("call", n));
            });
            server.createContext("/missing", ex -> reply(ex, 404, Map.of("error", "not found")));
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(HttpExchange ex, String name) {
        String q = ex.getRequestURI().getQuery();
        if (q == null) return "";
        for (String part : q.split("&")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals(name)) return kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
        }
        return "";
    }

    private static void reply(HttpExchange ex, int status, Object json) throws IOException {
        byte[] body = Json.write(json).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
