package io.trailboss.conformance;

import static io.trailboss.model.ExecutionState.ERROR;
import static io.trailboss.model.ExecutionState.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Workflows written only in YAQL, as Mistral users write them, with the results Mistral gives. */
final class YaqlCases {
    private YaqlCases() {}

    static List<Case> all() {
        return List.of(
                Case.of("yaql_data_flows_through_input_vars_publish_and_output", """
                        version: '2.0'
                        WF:
                          input:
                            - hosts
                            - port: 22
                          vars:
                            up: <% $.hosts.where($.up).select($.name) %>
                          output:
                            up: <% $.up %>
                            count: <% $.up.len() %>
                            line: <% $.line %>
                            doubled: <% $.doubled %>
                          tasks:
                            t1:
                              action: std.echo output=<% $.port * 2 %>
                              publish:
                                doubled: <% task().result %>
                                line: "hosts <% $.up %> on <% $.port %>"
                        """).input(Map.of("hosts", List.of(Map.of("name", "a", "up", true), Map.of("name", "b", "up", false))))
                        .output(map("up", List.of("a"), "count", 1, "line", "hosts ['a'] on 22", "doubled", 44)),

                Case.of("yaql_guards_choose_the_transition", """
                        version: '2.0'
                        WF:
                          input:
                            - n: 3
                          tasks:
                            check:
                              action: std.noop
                              on-success:
                                - big: <% $.n > 2 %>
                                - small: <% $.n <= 2 %>
                            big:
                              publish:
                                size: big
                            small:
                              publish:
                                size: small
                        """).output(map("size", "big")).absent("small"),

                Case.of("yaql_with_items_over_two_lists_zips_them", """
                        version: '2.0'
                        WF:
                          input:
                            - xs: [1, 2, 3]
                            - ys: [a, b, c]
                          output:
                            pairs: <% $.pairs %>
                          tasks:
                            t1:
                              with-items:
                                - x in <% $.xs %>
                                - y in <% $.ys %>
                              concurrency: 2
                              action: std.echo output="<% $.x %>-<% $.y %>"
                              publish:
                                pairs: <% task().result %>
                        """).output(map("pairs", List.of("1-a", "2-b", "3-c"))),

                Case.of("yaql_reads_env_execution_and_other_tasks", """
                        version: '2.0'
                        WF:
                          input:
                            - a: 1
                          output:
                            region: <% env().region %>
                            input: <% execution().input %>
                            first: <% task(first).result %>
                            states: <% tasks(execution().id, false, SUCCESS).select($.name).orderBy($) %>
                          tasks:
                            first:
                              action: std.echo output=<% env().region %>
                              on-success: second
                            second:
                              action: std.echo output=<% task(first).result %>
                        """).env(Map.of("region", "eu")).output(map("region", "eu", "input", Map.of("a", 1), "first", "eu",
                        "states", List.of("first", "second"))),

                Case.of("yaql_break_on_stops_retrying", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.fail
                              retry:
                                count: 5
                                delay: 0
                                break-on: <% task().state = ERROR %>
                        """).state(ERROR).check(run -> assertThat(run.jobs("t1")).hasSize(1)),

                Case.of("yaql_engine_command_guard_succeeds_the_workflow", """
                        version: '2.0'
                        WF:
                          input:
                            - stop: true
                          tasks:
                            t1:
                              action: std.echo output=done
                              on-complete:
                                - succeed: <% $.stop %>
                                - t2
                            t2:
                              action: std.noop
                        """).state(SUCCESS).tasks("t1", SUCCESS).absent("t2"),

                Case.of("yaql_reverse_workflow_runs_what_the_target_requires", """
                        version: '2.0'
                        WF:
                          type: reverse
                          output:
                            b: <% $.b %>
                          tasks:
                            a:
                              action: std.echo output=<% 20 + 1 %>
                              publish:
                                a: <% task().result %>
                            b:
                              requires: [a]
                              action: std.echo output=<% $.a * 2 %>
                              publish:
                                b: <% task().result %>
                        """).target("b").output(map("b", 42)),

                Case.of("yaql_sub_workflow_takes_input_and_gives_output", """
                        version: '2.0'
                        WF:
                          tasks:
                            call:
                              workflow: WF_child
                              input:
                                n: <% 5 %>
                              publish:
                                got: <% task().result.twice %>
                        WF_child:
                          input:
                            - n
                          output:
                            twice: <% $.n * 2 %>
                          tasks:
                            noop:
                              action: std.noop
                        """).output(map("got", 10)),

                Case.of("std_echo_waits_its_delay_then_answers", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output=late delay=0.3
                              publish:
                                r: <% task().result %>
                        """).output(map("r", "late")).check(run -> {
                            var job = run.jobs("t1").getFirst();
                            assertThat(job.finishedAt() - job.createdAt()).isGreaterThanOrEqualTo(300L);
                        }),

                Case.of("a_runaway_yaql_expression_stops_at_its_limits_and_fails_the_workflow", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.noop
                              publish:
                                n: <% range(1000000000000).len() %>
                                s: <% 'x' * 100000000 %>
                        """).state(ERROR).check(run -> assertThat(run.task("t1").stateInfo())
                        .startsWith("Failed to handle action completion [error=Can not evaluate YAQL expression [expression=range(1000000000000).len()")),

                Case.of("a_failing_yaql_publish_fails_the_task_naming_the_expression", """
                        version: '2.0'
                        WF:
                          tasks:
                            t1:
                              action: std.echo output=text
                              publish:
                                x: <% task().result.no.such %>
                        """).state(ERROR).check(run -> assertThat(run.task("t1").stateInfo())
                        .contains("Can not evaluate YAQL expression [expression=task().result.no.such")));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
