package io.trailboss.cli;

import io.trailboss.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "targets", mixinStandardHelpOptions = true, description = "Manage targets (machines, sites, ...) and their params on a running server.",
        subcommands = {TargetsCommand.List.class, TargetsCommand.Get.class, TargetsCommand.Create.class, TargetsCommand.Delete.class,
                TargetsCommand.Params.class})
final class TargetsCommand {
    static Map<String, String> labels(java.util.List<String> specs) {
        Map<String, String> out = new LinkedHashMap<>();
        if (specs == null) return out;
        for (String s : specs) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--label expects name=value, not '" + s + "'");
            out.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return out;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List targets, by name.")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Option(names = "--kind") String kind;
        @Option(names = "--label", description = "name=value; repeatable, all must match") java.util.List<String> labels;
        @Option(names = "--parent", description = "parent name or id") String parent;
        @Option(names = "--limit", defaultValue = "100") int limit;

        public Integer call() throws Exception {
            StringBuilder q = new StringBuilder("/api/v1/targets?limit=" + limit);
            if (kind != null) q.append("&kind=").append(WorkflowsCommand.enc(kind));
            if (parent != null) q.append("&parent=").append(WorkflowsCommand.enc(parent));
            for (Map.Entry<String, String> e : labels(labels).entrySet()) q.append("&label=").append(WorkflowsCommand.enc(e.getKey() + "=" + e.getValue()));
            return Client.print(server.client().send("GET", q.toString(), null, null));
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a target (secret params masked).")
    static final class Get implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "name or id") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/targets/" + WorkflowsCommand.enc(name), null, null));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a target.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;
        @Option(names = "--kind", required = true, description = "machine, platform, site, server or any word") String kind;
        @Option(names = "--parent", description = "parent name or id") String parent;
        @Option(names = "--label", description = "name=value; repeatable") java.util.List<String> labels;
        @Option(names = "--profile", description = "profile name; repeatable, in order") java.util.List<String> profiles;
        @Option(names = {"-p", "--param"}, description = "key=value (JSON when it parses) or @file.json; repeatable") java.util.List<String> params;
        @Option(names = "--stage") String stage;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("kind", kind);
            body.put("name", name);
            if (parent != null) body.put("parent", parent);
            body.put("labels", labels(labels));
            body.put("profiles", profiles == null ? java.util.List.of() : profiles);
            body.put("params", Inputs.parse(params));
            if (stage != null) body.put("stage", stage);
            return Client.print(server.client().send("POST", "/api/v1/targets", "application/json", Json.write(body)));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a target (it must have no children).")
    static final class Delete implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;

        public Integer call() throws Exception {
            return Client.print(server.client().send("DELETE", "/api/v1/targets/" + WorkflowsCommand.enc(name), null, null));
        }
    }

    @Command(name = "params", mixinStandardHelpOptions = true,
            description = "Show a target's effective params with the source of each value; --set and --unset change its own params first.")
    static final class Params implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String name;
        @Option(names = "--set", description = "key=value (JSON when it parses) or @file.json; repeatable") java.util.List<String> set;
        @Option(names = "--unset", description = "param name; repeatable") java.util.List<String> unset;

        public Integer call() throws Exception {
            String path = "/api/v1/targets/" + WorkflowsCommand.enc(name) + "/params";
            if (set == null && unset == null) return Client.print(server.client().send("GET", path, null, null));
            Map<String, Object> changes = new LinkedHashMap<>(Inputs.parse(set));
            if (unset != null) unset.forEach(u -> changes.put(u, null));
            return Client.print(server.client().send("PATCH", path, "application/json", Json.write(changes)));
        }
    }
}
