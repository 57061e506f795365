package io.trailboss.cli;

import static io.trailboss.cli.WorkflowsCommand.enc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "triggers", mixinStandardHelpOptions = true, description = "Cron and webhook triggers: create, pause, resume, firings.",
        subcommands = {TriggersCommand.Save.class, TriggersCommand.List.class, TriggersCommand.Get.class, TriggersCommand.Pause.class,
                TriggersCommand.Resume.class, TriggersCommand.Firings.class, TriggersCommand.Delete.class})
final class TriggersCommand {
    @Command(name = "save", mixinStandardHelpOptions = true, description = "Create or change a trigger from a YAML file (cron, time_zone, overlap, workflow | operation + target, input, webhook).")
    static final class Save implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;
        @Parameters(index = "1") Path file;

        public Integer call() throws Exception {
            return Client.print(server.client().send("PUT", "/api/v1/triggers/" + enc(name), "text/yaml", Files.readString(file)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List triggers.")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/triggers", null, null));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a trigger (never its secret).")
    static final class Get implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/triggers/" + enc(name), null, null));
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a trigger.")
    static final class Pause implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("POST", "/api/v1/triggers/" + enc(name) + "/pause", null, null));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a trigger.")
    static final class Resume implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("POST", "/api/v1/triggers/" + enc(name) + "/resume", null, null));
        }
    }

    @Command(name = "firings", mixinStandardHelpOptions = true, description = "A trigger's firings, newest first.")
    static final class Firings implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/triggers/" + enc(name) + "/firings", null, null));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a trigger.")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("DELETE", "/api/v1/triggers/" + enc(name), null, null));
        }
    }
}
