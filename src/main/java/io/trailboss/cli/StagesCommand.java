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

@Command(name = "stages", mixinStandardHelpOptions = true, description = "Stages, stage maps and target lifecycles.",
        subcommands = {StagesCommand.Declare.class, StagesCommand.List.class, StagesCommand.Map_.class, StagesCommand.Move.class,
                StagesCommand.Lifecycle.class, StagesCommand.Continue.class, StagesCommand.Set.class, StagesCommand.History.class})
final class StagesCommand {
    @Command(name = "declare", mixinStandardHelpOptions = true, description = "Declare a stage that runs a workflow.")
    static final class Declare implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;
        @Option(names = "--workflow", required = true) String workflow;
        @Option(names = "--description") String description;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("workflow", workflow);
            if (description != null) body.put("description", description);
            return Client.print(server.client().send("PUT", "/api/v1/stages/" + enc(name), "application/json", Json.write(body)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List stages and stage maps.")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;

        public Integer call() throws Exception {
            int a = Client.print(server.client().send("GET", "/api/v1/stages", null, null));
            return a != 0 ? a : Client.print(server.client().send("GET", "/api/v1/stage-maps", null, null));
        }
    }

    @Command(name = "map", mixinStandardHelpOptions = true, description = "Set the stage map of a scope (target:NAME, profile:NAME, kind:KIND) from a YAML file {FROM: {next: TO, on: continue|stop|wait}}.")
    static final class Map_ implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String scope;
        @Parameters(index = "1") Path file;

        public Integer call() throws Exception {
            return Client.print(server.client().send("PUT", "/api/v1/stage-maps/" + enc(scope), "text/yaml", Files.readString(file)));
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true, description = "Move a target to a stage, which starts it.")
    static final class Move implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;
        @Parameters(index = "1") String stage;
        @Option(names = "--queue", description = "queue behind the target's open run instead of being refused") boolean queue;
        @Option(names = "--single-step", description = "wait for a person after every stage") boolean singleStep;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("stage", stage);
            if (queue) body.put("queue", true);
            if (singleStep) body.put("single_step", true);
            return Client.print(server.client().send("PUT", "/api/v1/targets/" + enc(target) + "/stage", "application/json", Json.write(body)));
        }
    }

    @Command(name = "lifecycle", mixinStandardHelpOptions = true, description = "Where a target is in its lifecycle.")
    static final class Lifecycle implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/targets/" + enc(target) + "/lifecycle", null, null));
        }
    }

    @Command(name = "continue", mixinStandardHelpOptions = true, description = "Let a waiting lifecycle go on.")
    static final class Continue implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;

        public Integer call() throws Exception {
            return Client.print(server.client().send("POST", "/api/v1/targets/" + enc(target) + "/lifecycle/continue", null, null));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set a target's runnable flag or single-step mode.")
    static final class Set implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;
        @Option(names = "--runnable", arity = "1") Boolean runnable;
        @Option(names = "--single-step", arity = "1") Boolean singleStep;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (runnable != null) body.put("runnable", runnable);
            if (singleStep != null) body.put("single_step", singleStep);
            return Client.print(server.client().send("PATCH", "/api/v1/targets/" + enc(target) + "/lifecycle", "application/json", Json.write(body)));
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "A target's stages in order, with their executions and jobs.")
    static final class History implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String target;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/targets/" + enc(target) + "/history", null, null));
        }
    }
}
