package io.trailboss.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "workflows", mixinStandardHelpOptions = true, description = "Manage workflows on a running server.",
        subcommands = {WorkflowsCommand.List.class, WorkflowsCommand.Create.class, WorkflowsCommand.Get.class, WorkflowsCommand.Delete.class})
final class WorkflowsCommand {
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List workflows.")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Option(names = "--limit", defaultValue = "100") int limit;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/workflows?limit=" + limit, null, null));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create or update the workflows of a YAML file.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") Path file;

        public Integer call() throws Exception {
            return Client.print(server.client().send("PUT", "/api/v1/workflows", "text/yaml", Files.readString(file)));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a workflow and its definition.")
    static final class Get implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/workflows/" + enc(name), null, null));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a workflow.")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("DELETE", "/api/v1/workflows/" + enc(name), null, null));
        }
    }
}
