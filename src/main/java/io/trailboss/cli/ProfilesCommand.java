package io.trailboss.cli;

import io.trailboss.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "profiles", mixinStandardHelpOptions = true, description = "Manage profiles (named param sets; 'global' applies to every target) on a running server.",
        subcommands = {ProfilesCommand.List.class, ProfilesCommand.Get.class, ProfilesCommand.Create.class, ProfilesCommand.Set.class,
                ProfilesCommand.Delete.class})
final class ProfilesCommand {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List profiles.")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Option(names = "--limit", defaultValue = "100") int limit;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/profiles?limit=" + limit, null, null));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a profile (secret params masked).")
    static final class Get implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/profiles/" + WorkflowsCommand.enc(name), null, null));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a profile.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;
        @Option(names = "--description") String description;
        @Option(names = {"-p", "--param"}, description = "key=value (JSON when it parses) or @file.json; repeatable") java.util.List<String> params;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (description != null) body.put("description", description);
            body.put("params", Inputs.parse(params));
            return Client.print(server.client().send("POST", "/api/v1/profiles", "application/json", Json.write(body)));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set or unset params of a profile (also 'global').")
    static final class Set implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;
        @Option(names = "--description") String description;
        @Option(names = {"-p", "--param"}, description = "key=value (JSON when it parses) or @file.json; repeatable") java.util.List<String> params;
        @Option(names = "--unset", description = "param name; repeatable") java.util.List<String> unset;

        public Integer call() throws Exception {
            Map<String, Object> changes = new LinkedHashMap<>(Inputs.parse(params));
            if (unset != null) unset.forEach(u -> changes.put(u, null));
            Map<String, Object> body = new LinkedHashMap<>();
            if (description != null) body.put("description", description);
            body.put("params", changes);
            return Client.print(server.client().send("PATCH", "/api/v1/profiles/" + WorkflowsCommand.enc(name), "application/json", Json.write(body)));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a profile no target uses.")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("DELETE", "/api/v1/profiles/" + WorkflowsCommand.enc(name), null, null));
        }
    }
}
