package io.trailboss.cli;

import io.trailboss.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "executions", mixinStandardHelpOptions = true, description = "Start, inspect and steer executions on a running server.",
        subcommands = {ExecutionsCommand.List.class, ExecutionsCommand.Start.class, ExecutionsCommand.Get.class,
                ExecutionsCommand.Tasks.class, ExecutionsCommand.Control.class, ExecutionsCommand.Rerun.class, ExecutionsCommand.Controls.class})
final class ExecutionsCommand {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List executions, newest first.")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Option(names = "--workflow") String workflow;
        @Option(names = "--state") String state;
        @Option(names = "--limit", defaultValue = "20") int limit;

        public Integer call() throws Exception {
            StringBuilder q = new StringBuilder("/api/v1/executions?limit=" + limit);
            if (workflow != null) q.append("&workflow=").append(WorkflowsCommand.enc(workflow));
            if (state != null) q.append("&state=").append(WorkflowsCommand.enc(state));
            return Client.print(server.client().send("GET", q.toString(), null, null));
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a stored workflow.")
    static final class Start implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "workflow name or id") String workflow;
        @Option(names = {"-i", "--input"}, description = "key=value or @file.json; repeatable") java.util.List<String> inputs;
        @Option(names = "--idempotency-key", description = "Send this Idempotency-Key: the same start again (a retry) within 24 h answers the"
                + " execution the first one started instead of starting another; another start with the same key is refused.") String idempotencyKey;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("workflow", workflow);
            body.put("input", Inputs.parse(inputs));
            Map<String, String> headers = idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey);
            return Client.print(server.client().send("POST", "/api/v1/executions", "application/json", Json.write(body), headers));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show an execution with its output.")
    static final class Get implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String id;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/executions/" + WorkflowsCommand.enc(id), null, null));
        }
    }

    @Command(name = "tasks", mixinStandardHelpOptions = true, description = "List the task executions of an execution.")
    static final class Tasks implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String id;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/executions/" + WorkflowsCommand.enc(id) + "/tasks", null, null));
        }
    }

    @Command(name = "control", mixinStandardHelpOptions = true, description = "Pause, resume or cancel an execution.")
    static final class Control implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "pause | resume | cancel") String verb;
        @Parameters(index = "1") String id;
        @Option(names = "--by", defaultValue = "${env:USER}", description = "who acts, for the audit (default: $USER)") String by;

        public Integer call() throws Exception {
            String state = switch (verb) {
                case "pause" -> "PAUSED";
                case "resume" -> "RUNNING";
                case "cancel" -> "CANCELLED";
                default -> throw new IllegalArgumentException("control is pause, resume or cancel, not '" + verb + "'");
            };
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("state", state);
            if (by != null && !by.isBlank()) body.put("by", by);
            return Client.print(server.client().send("PUT", "/api/v1/executions/" + WorkflowsCommand.enc(id), "application/json", Json.write(body)));
        }
    }

    @Command(name = "rerun", mixinStandardHelpOptions = true,
            description = "Run a finished execution again: from --task, or from every failed or cancelled task; optionally with changed input or env.")
    static final class Rerun implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String id;
        @Option(names = "--task", description = "rerun from this task") String task;
        @Option(names = {"-i", "--input"}, description = "key=value or @file.json: input to change; repeatable") java.util.List<String> inputs;
        @Option(names = "--env", description = "key=value: the env to run with (replaces the old one); repeatable") java.util.List<String> env;
        @Option(names = "--dry-run", description = "show which tasks would run again, change nothing") boolean dryRun;
        @Option(names = "--by", defaultValue = "${env:USER}", description = "who acts, for the audit (default: $USER)") String by;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (task != null) body.put("task", task);
            if (inputs != null) body.put("input", Inputs.parse(inputs));
            if (env != null) body.put("env", Inputs.parse(env));
            if (dryRun) body.put("dry_run", true);
            if (by != null && !by.isBlank()) body.put("by", by);
            return TaskCommand.printReport(server.client().send("POST", "/api/v1/executions/" + WorkflowsCommand.enc(id) + "/rerun", "application/json", Json.write(body)));
        }
    }

    @Command(name = "controls", mixinStandardHelpOptions = true, description = "The audit of controls applied to an execution: who, when, what.")
    static final class Controls implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String id;

        @SuppressWarnings("unchecked")
        public Integer call() throws Exception {
            Client.Response r = server.client().send("GET", "/api/v1/executions/" + WorkflowsCommand.enc(id) + "/controls?limit=1000", null, null);
            if (!r.ok()) return Client.print(r);
            for (Object o : (java.util.List<?>) ((Map<String, Object>) r.json()).get("items")) {
                Map<String, Object> c = (Map<String, Object>) o;
                System.out.printf("%s  %-20s %-16s %s%n", c.get("at"), c.get("by"), c.get("action"), String.join(",", (java.util.List<String>) c.get("tasks")));
            }
            return 0;
        }
    }
}
