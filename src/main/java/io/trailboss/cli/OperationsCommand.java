package io.trailboss.cli;

import static io.trailboss.cli.WorkflowsCommand.enc;

import io.trailboss.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "operations", mixinStandardHelpOptions = true, description = "Operations offered on target kinds: declare, show forms, run on a target (one at a time).",
        subcommands = {OperationsCommand.Declare.class, OperationsCommand.List.class, OperationsCommand.Offered.class, OperationsCommand.Run.class,
                OperationsCommand.Runs.class, OperationsCommand.Show.class, OperationsCommand.Variables.class, OperationsCommand.Delete.class})
final class OperationsCommand {
    @Command(name = "declare", mixinStandardHelpOptions = true, description = "Declare the operations of a YAML file ({operations: {NAME: {kind, workflow, description, fields}}}).")
    static final class Declare implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") Path file;

        public Integer call() throws Exception {
            return Client.print(server.client().send("PUT", "/api/v1/operations", "text/yaml", Files.readString(file)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List operations (of one kind).")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Option(names = "--kind") String kind;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/operations" + (kind == null ? "" : "?kind=" + enc(kind)), null, null));
        }
    }

    @Command(name = "offered", mixinStandardHelpOptions = true, description = "The operations a target offers, with their forms and whether Run is enabled.")
    static final class Offered implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/targets/" + enc(target) + "/operations", null, null));
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run an operation on a target; refused while another runs there, unless --queue.")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;
        @Parameters(index = "1") String operation;
        @Option(names = {"-i", "--input"}, description = "field=value (JSON when it parses) or @file.json; repeatable") java.util.List<String> input;
        @Option(names = "--queue", description = "wait in line behind the open run instead of being refused") boolean queue;
        @Option(names = "--by", description = "who asks") String by;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("input", Inputs.parse(input));
            if (queue) body.put("queue", true);
            if (by != null) body.put("by", by);
            return Client.print(server.client().send("POST", "/api/v1/targets/" + enc(target) + "/operations/" + enc(operation) + "/runs",
                    "application/json", Json.write(body)));
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "The runs on a target, newest first.")
    static final class Runs implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/targets/" + enc(target) + "/runs", null, null));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run.")
    static final class Show implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String run;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/runs/" + enc(run), null, null));
        }
    }

    @Command(name = "variables", mixinStandardHelpOptions = true, description = "What a run's tasks saw, each value with its source.")
    static final class Variables implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String run;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/runs/" + enc(run) + "/variables", null, null));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an operation.")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("DELETE", "/api/v1/operations/" + enc(name), null, null));
        }
    }
}
