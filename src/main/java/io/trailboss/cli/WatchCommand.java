package io.trailboss.cli;

import io.trailboss.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Follow an execution's events (task and execution state changes, control actions) until it ends.",
                "Prints one line per event: time, task, state, info. Exits 0 if the execution ends SUCCESS, 1 otherwise."})
final class WatchCommand implements Callable<Integer> {
    private static final int RECONNECTS = 20;

    @CommandLine.Mixin ServerOption server;
    @Parameters(index = "0", description = "an execution id") String id;

    @Override
    public Integer call() throws Exception {
        Client client = server.client();
        String enc = WorkflowsCommand.enc(id);
        Client.Response found = client.send("GET", "/api/v1/executions/" + enc, null, null);
        if (!found.ok()) return Client.print(found);
        String base = server.base();
        HttpClient http = server.httpClient();
        Set<String> printed = new HashSet<>(); // a reconnect sends the current state again: print each change once
        for (int attempt = 0; attempt <= RECONNECTS; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/executions/" + enc + "/events"))
                    .header("Accept", "text/event-stream").headers(server.authorization() == null ? new String[] {"X-Trailboss-Client", "cli"}
                            : new String[] {"Authorization", server.authorization()}).build();
            HttpResponse<java.io.InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (java.io.IOException e) {
                System.err.println("cannot reach the server at " + base + ": " + e.getMessage());
                Thread.sleep(1000);
                continue;
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.isEmpty()) {
                        event = null;
                        continue;
                    }
                    if (line.startsWith("event:")) event = line.substring(6).trim();
                    if (!line.startsWith("data:") || event == null) continue;
                    Map<String, Object> data = Json.readMap(line.substring(5).trim());
                    switch (event) {
                        case "end" -> {
                            String state = String.valueOf(data.get("state"));
                            System.out.println("execution " + id + " ended " + state);
                            return "SUCCESS".equals(state) ? 0 : 1;
                        }
                        case "error" -> {
                            System.err.println("error: " + data.get("detail"));
                            return 1;
                        }
                        case "overflow" -> System.err.println("(fell behind: " + data.get("detail") + ")");
                        default -> print(data, printed);
                    }
                }
            } catch (java.io.IOException dropped) {
                // reconnect below
            }
        }
        System.err.println("lost the event stream of execution " + id);
        return 1;
    }

    private static void print(Map<String, Object> e, Set<String> printed) {
        String kind = String.valueOf(e.get("kind"));
        String what;
        String state;
        String info;
        String key;
        if ("task".equals(kind)) {
            Map<?, ?> task = (Map<?, ?>) e.get("task");
            what = String.valueOf(task.get("name"));
            state = String.valueOf(e.get("state"));
            info = e.get("state_info") == null ? "" : String.valueOf(e.get("state_info"));
            key = task.get("id") + " " + state + " " + info;
        } else if ("execution".equals(kind)) {
            what = "(execution)";
            state = String.valueOf(e.get("state"));
            info = e.get("state_info") == null ? "" : String.valueOf(e.get("state_info"));
            key = "execution " + state + " " + info;
        } else if ("inbox".equals(kind)) {
            what = "(inbox)";
            state = String.valueOf(e.get("action"));
            info = "job " + e.get("job_id") + (e.get("text") == null ? "" : ": " + e.get("text"));
            key = "inbox " + e.get("seq");
        } else {
            what = "(control)";
            state = String.valueOf(e.get("action"));
            info = e.get("tasks") instanceof java.util.List<?> tasks ? "tasks: " + String.join(", ", tasks.stream().map(String::valueOf).toList()) : "";
            key = "control " + e.get("seq");
        }
        if (!printed.add(key)) return;
        System.out.println(String.format("%-24s  %-24s %-10s %s", e.get("at"), what, state, info.replace('\n', ' ')).stripTrailing());
        System.out.flush();
    }
}
