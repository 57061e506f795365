package io.trailboss.cli;

import io.trailboss.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trailboss task ACTION EXECUTION [TASK...]}: a task control on a live execution, with a dry run. */
@Command(name = "task", mixinStandardHelpOptions = true,
        description = {"Steer tasks of a live execution: pause, resume, skip, unskip, block, unblock, interrupt, rerun,",
                "set-pause-on-fail, unset-pause-on-fail, release. Select tasks by name, --tag and/or --state",
                "(a task state, or PENDING for not reached yet); none selects every task. --dry-run shows what",
                "would happen to each task and changes nothing."})
final class TaskCommand implements Callable<Integer> {
    @CommandLine.Mixin ServerOption server;
    @Parameters(index = "0", description = "the control") String action;
    @Parameters(index = "1", description = "execution id") String execution;
    @Parameters(index = "2..*", description = "task names") List<String> tasks;
    @Option(names = "--tag", description = "only tasks with this tag") String tag;
    @Option(names = "--state", description = "only tasks in this state (PENDING: not reached yet)") String state;
    @Option(names = "--count", description = "release: how many held tasks to start") Integer count;
    @Option(names = "--grace", description = "interrupt: seconds between SIGTERM and SIGKILL (default 10)") Double grace;
    @Option(names = "--dry-run", description = "show what would happen, change nothing") boolean dryRun;
    @Option(names = "--by", defaultValue = "${env:USER}", description = "who acts, for the audit (default: $USER)") String by;
    @Option(names = "--json", description = "print the server's answer as JSON") boolean json;

    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", action);
        if (tasks != null && !tasks.isEmpty()) body.put("tasks", tasks);
        if (tag != null) body.put("tag", tag);
        if (state != null) body.put("state", state);
        if (count != null) body.put("count", count);
        if (grace != null) body.put("grace_seconds", grace);
        if (dryRun) body.put("dry_run", true);
        if (by != null && !by.isBlank()) body.put("by", by);
        Client.Response r = server.client().send("POST", "/api/v1/executions/" + WorkflowsCommand.enc(execution) + "/controls",
                "application/json", Json.write(body));
        if (json) return Client.print(r);
        return printReport(r);
    }

    /** A control's answer as a table: what it did (or would do) to each task, and why others are left alone. */
    @SuppressWarnings("unchecked")
    static int printReport(Client.Response r) throws java.io.IOException {
        if (!r.ok()) {
            int code = Client.print(r);
            if (r.json() instanceof Map<?, ?> m && m.get("tasks") instanceof List<?> list) {
                for (Object o : list) {
                    Map<String, Object> t = (Map<String, Object>) o;
                    System.err.printf("  %-24s %-12s %-13s %s%n", t.get("task"), t.get("state"), t.get("verdict"), t.get("note"));
                }
            }
            return code;
        }
        Map<String, Object> report = (Map<String, Object>) r.json();
        boolean dry = Boolean.TRUE.equals(report.get("dry_run"));
        System.out.println(report.get("action") + (dry ? " (dry run: nothing changed)" : "") + " on execution " + report.get("execution_id"));
        List<Map<String, Object>> affected = (List<Map<String, Object>>) report.get("affected");
        List<Map<String, Object>> other = (List<Map<String, Object>>) report.getOrDefault("not_eligible", List.of());
        System.out.println(dry ? "would act on:" : "acted on:");
        for (Map<String, Object> t : affected) System.out.printf("  %-24s %-12s %s%n", t.get("task"), t.get("state"), t.get("note"));
        if (!other.isEmpty()) {
            System.out.println("not eligible:");
            for (Map<String, Object> t : other) System.out.printf("  %-24s %-12s %s%n", t.get("task"), t.get("state"), t.get("note"));
        }
        if (report.get("execution") instanceof Map<?, ?> e) System.out.println("execution is now " + e.get("state"));
        return 0;
    }
}
