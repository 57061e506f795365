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

@Command(name = "manual", mixinStandardHelpOptions = true, description = "Show, complete or fail a manual step (by its job id, as `trailboss inbox` lists it).",
        subcommands = {ManualCommand.Show.class, ManualCommand.Complete.class, ManualCommand.Fail.class})
final class ManualCommand {
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a manual step's instructions, form and state.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "job id") String job;
        @Option(names = "--json", description = "Print the server's answer as JSON.") boolean json;

        public Integer call() throws Exception {
            Client.Response r = server.client().send("GET", "/api/v1/manual/" + WorkflowsCommand.enc(job), null, null);
            if (json || !r.ok()) return Client.print(r);
            Map<?, ?> s = (Map<?, ?>) r.json();
            System.out.println(String.valueOf(s.get("instructions")).stripTrailing());
            System.out.println();
            List<?> form = (List<?>) s.get("form");
            if (!form.isEmpty()) {
                System.out.println("form:");
                for (Object o : form) {
                    Map<?, ?> f = (Map<?, ?>) o;
                    StringBuilder line = new StringBuilder("  " + f.get("name") + " (" + f.get("type") + (Boolean.TRUE.equals(f.get("required")) ? ", required" : "") + ")");
                    if (f.get("label") != null) line.append("  ").append(f.get("label"));
                    if (f.containsKey("default")) line.append("  [default: ").append(f.get("default")).append(']');
                    if (f.get("choices") != null) line.append("  choices: ").append(f.get("choices"));
                    System.out.println(line);
                }
            }
            System.out.println("state: " + s.get("state") + (Boolean.TRUE.equals(s.get("waiting")) ? " (waiting for a person)" : ""));
            if (s.get("result") != null) System.out.println("result: " + Json.write(s.get("result")));
            if (s.get("error") != null) System.out.println("error: " + s.get("error"));
            return 0;
        }
    }

    @Command(name = "complete", mixinStandardHelpOptions = true, description = "Complete a waiting manual step with the form's values.")
    static final class Complete implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "job id") String job;
        @Option(names = "--set", description = "name=value, one per field; the server reads numbers and booleans from the text") List<String> sets;
        @Option(names = "--by", defaultValue = "${env:USER:-}", description = "Who decides (default: $USER).") String by;

        public Integer call() throws Exception {
            Map<String, Object> values = new LinkedHashMap<>();
            if (sets != null) {
                for (String s : sets) {
                    int eq = s.indexOf('=');
                    if (eq <= 0) {
                        System.err.println("--set expects name=value, not '" + s + "'");
                        return 2;
                    }
                    values.put(s.substring(0, eq), s.substring(eq + 1));
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("values", values);
            if (by != null && !by.isBlank()) body.put("by", by);
            Client.Response r = server.client().send("POST", "/api/v1/manual/" + WorkflowsCommand.enc(job) + "/complete", "application/json", Json.write(body));
            return decided(r);
        }
    }

    @Command(name = "fail", mixinStandardHelpOptions = true, description = "Fail a waiting manual step; the task's on-error decides what follows.")
    static final class Fail implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "job id") String job;
        @Option(names = "--reason", required = true) String reason;
        @Option(names = "--by", defaultValue = "${env:USER:-}", description = "Who decides (default: $USER).") String by;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("reason", reason);
            if (by != null && !by.isBlank()) body.put("by", by);
            return decided(server.client().send("POST", "/api/v1/manual/" + WorkflowsCommand.enc(job) + "/fail", "application/json", Json.write(body)));
        }
    }

    /** Prints the step's new state, or each field's problem. */
    static int decided(Client.Response r) throws java.io.IOException {
        if (!r.ok() && r.json() instanceof Map<?, ?> problem && problem.get("errors") instanceof List<?> errors) {
            System.err.println("error " + r.status() + ": the answers do not fit the form");
            for (Object e : errors) System.err.println("  " + ((Map<?, ?>) e).get("field") + ": " + ((Map<?, ?>) e).get("message"));
            return 1;
        }
        if (!r.ok()) return Client.print(r);
        Map<?, ?> s = (Map<?, ?>) r.json();
        System.out.println("job " + s.get("job_id") + ": " + s.get("state"));
        if (s.get("result") != null) System.out.println("result: " + Json.write(s.get("result")));
        return 0;
    }
}
