package io.trailboss.cli;

import static io.trailboss.cli.WorkflowsCommand.enc;

import io.trailboss.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tokens", mixinStandardHelpOptions = true, description = "API tokens (admin): create, list, revoke.",
        subcommands = {TokensCommand.Create.class, TokensCommand.List.class, TokensCommand.Revoke.class})
final class TokensCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token and print it once: personal (--user: acts as that user, with their roles) or service (--role, repeatable).")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0", description = "the token's name") String name;
        @Option(names = "--user", description = "a personal token of this user") String user;
        @Option(names = "--role", description = "a service token's role: viewer, operator, admin, operator@group:TARGET, operator@labels:KEY=VALUE,...") java.util.List<String> roles;
        @Option(names = "--expires-days", description = "valid for this many days (default: until revoked)") Double days;

        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("kind", user != null ? "personal" : "service");
            if (user != null) body.put("user", user);
            if (roles != null) body.put("roles", roles);
            if (days != null) body.put("expires_in_days", days);
            return Client.print(server.client().send("POST", "/api/v1/tokens", "application/json", Json.write(body)));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/tokens", null, null));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by id.")
    static final class Revoke implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String id;

        public Integer call() throws Exception {
            return Client.print(server.client().send("DELETE", "/api/v1/tokens/" + enc(id), null, null));
        }
    }
}
