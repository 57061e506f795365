package io.trailboss.cli;

import io.trailboss.app.Trailboss;
import io.trailboss.definition.DefinitionException;
import io.trailboss.definition.WorkflowDocument;
import io.trailboss.engine.EngineListener;
import io.trailboss.engine.InvalidInputException;
import io.trailboss.engine.StartRequest;
import io.trailboss.json.Json;
import io.trailboss.model.Execution;
import io.trailboss.model.ExecutionState;
import io.trailboss.model.TaskExecution;
import io.trailboss.store.Database;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one workflow in this process on a throwaway database: prints task states as they change, then the output. Exits 0 on SUCCESS.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "YAML file")
    Path file;

    @Option(names = {"-w", "--workflow"}, description = "Workflow to run (default: the first in the file)")
    String workflow;

    @Option(names = {"-i", "--input"}, description = "Input: key=value (JSON values allowed) or @file.json; repeatable")
    List<String> inputs;

    @Option(names = "--task", description = "Reverse workflows: the task to reach")
    String task;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        String yaml = Files.readString(file);
        Path dir = Files.createTempDirectory("trailboss-run-");
        try (Trailboss tb = new Trailboss(Database.embedded(dir), Clock.systemUTC())) {
            WorkflowDocument doc;
            try {
                doc = tb.catalog().validate(yaml);
            } catch (DefinitionException e) {
                e.problems().forEach(p -> System.err.println(file + ": " + p));
                return 2;
            }
            tb.catalog().createOrUpdate(yaml);
            String name = workflow != null ? workflow : doc.workflows().keySet().iterator().next();
            CompletableFuture<Execution> finished = new CompletableFuture<>();
            String[] root = new String[1];
            tb.engine().addListener(new EngineListener() {
                @Override
                public void taskChanged(TaskExecution t) {
                    synchronized (out) {
                        out.printf("  %-24s %s%s%n", t.name(), t.state(), t.stateInfo() == null ? "" : "  " + t.stateInfo());
                    }
                }

                @Override
                public void executionChanged(Execution e) {
                    if (e.id().equals(root[0]) && e.state().isFinal()) finished.complete(e);
                }
            });
            out.println("running " + name);
            Execution started;
            try {
                started = tb.engine().start(new StartRequest(name, Inputs.parse(inputs), java.util.Map.of(), null, task));
            } catch (InvalidInputException e) {
                System.err.println("invalid input: " + e.getMessage());
                return 2;
            }
            root[0] = started.id();
            out.println("execution " + started.id());
            Execution done = started.state().isFinal() ? started : tb.queries().execution(started.id()).filter(e -> e.state().isFinal()).orElseGet(finished::join);
            out.println("state: " + done.state() + (done.stateInfo() == null ? "" : " (" + done.stateInfo() + ")"));
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(done.output()));
            return done.state() == ExecutionState.SUCCESS ? 0 : 1;
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
