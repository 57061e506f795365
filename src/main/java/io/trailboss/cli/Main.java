package io.trailboss.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trailboss}: the server, local runs, validation, and a client for a running server. */
@Command(name = "trailboss", mixinStandardHelpOptions = true, version = "trailboss 0.1",
        description = "Automation orchestrator: workflows, live runs, a searchable record.",
        subcommands = {ServerCommand.class, RunCommand.class, ValidateCommand.class, WorkflowsCommand.class,
                ExecutionsCommand.class, TaskCommand.class, LogsCommand.class, WatchCommand.class, TargetsCommand.class, ProfilesCommand.class, InboxCommand.class, ManualCommand.class, PromptCommand.class, RecordingsCommand.class, OperationsCommand.class, StagesCommand.class, TriggersCommand.class, NodesCommand.class, ExprCommand.class, BenchCommand.class, AgentCommand.class, TokensCommand.class, UsersCommand.class, AuditCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        // "@file.json" is an input, not a picocli argument file
        return new CommandLine(new Main()).setExpandAtFiles(false)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // a server that cannot be reached or trusted: the message says what to do, a stack trace would bury it
                    if (!(e instanceof java.io.IOException)) throw e;
                    System.err.println("error: " + e.getMessage());
                    return 1;
                })
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
