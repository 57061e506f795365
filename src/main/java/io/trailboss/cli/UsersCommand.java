package io.trailboss.cli;

import static io.trailboss.cli.WorkflowsCommand.enc;

import io.trailboss.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "users", mixinStandardHelpOptions = true, description = "Users (admin): create, list, set-roles, disable.",
        subcommands = {UsersCommand.Create.class, UsersCommand.List.class, UsersCommand.SetRoles.class, UsersCommand.Disable.class})
final class UsersCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user. The password is read from standard input with --password-stdin, else generated and printed once.")
    static final class Create implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String username;
        @Option(names = "--role", required = true, description = "viewer, operator, admin, operator@group:TARGET, operator@labels:KEY=VALUE,... (repeatable)") java.util.List<String> roles;
        @Option(names = "--password-stdin", description = "read the password from the first line of standard input") boolean stdin;

        public Integer call() throws Exception {
            String password;
            if (stdin) {
                password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (password == null || password.isEmpty()) {
                    System.err.println("error: no password on standard input");
                    return 2;
                }
            } else {
                byte[] bytes = new byte[18];
                new SecureRandom().nextBytes(bytes);
                password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("username", username);
            body.put("password", password);
            body.put("roles", roles);
            Client.Response r = server.client().send("POST", "/api/v1/users", "application/json", Json.write(body));
            int code = Client.print(r);
            if (code == 0 && !stdin) System.out.println("password: " + password + " (shown once)");
            return code;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class List implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;

        public Integer call() throws Exception {
            return Client.print(server.client().send("GET", "/api/v1/users", null, null));
        }
    }

    @Command(name = "set-roles", mixinStandardHelpOptions = true, description = "Replace a user's roles.")
    static final class SetRoles implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String username;
        @Parameters(index = "1..*", arity = "1..*", description = "roles") java.util.List<String> roles;

        public Integer call() throws Exception {
            return Client.print(server.client().send("PUT", "/api/v1/users/" + enc(username) + "/roles", "application/json", Json.write(Map.of("roles", roles))));
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a user: no login; their sessions end and their personal tokens stop working.")
    static final class Disable implements Callable<Integer> {
        @CommandLine.Mixin ServerOption server;
        @Parameters(index = "0") String username;

        public Integer call() throws Exception {
            return Client.print(server.client().send("POST", "/api/v1/users/" + enc(username) + "/disable", null, null));
        }
    }
}
