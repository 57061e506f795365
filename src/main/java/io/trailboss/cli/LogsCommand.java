package io.trailboss.cli;

import io.trailboss.json.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print the log of a job, or of every job of an execution; with -f, follow it live until it ends.")
final class LogsCommand implements Callable<Integer> {
    @CommandLine.Mixin ServerOption server;
    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the job or execution ends") boolean follow;
    @Parameters(index = "0", description = "a job id or an execution id") String id;

    @Override
    public Integer call() throws Exception {
        Client client = server.client();
        String enc = WorkflowsCommand.enc(id);
        boolean isJob = client.send("GET", "/api/v1/jobs/" + enc, null, null).ok();
        if (!isJob && !client.send("GET", "/api/v1/executions/" + enc, null, null).ok()) {
            System.err.println("error 404: no job or execution '" + id + "'");
            return 1;
        }
        String base = server.base();
        if (!follow) {
            if (isJob) {
                Client.Response r = client.send("GET", "/api/v1/jobs/" + enc + "/log", null, null);
                System.out.print(r.body());
                return r.ok() ? 0 : 1;
            }
            for (Object task : (java.util.List<?>) ((Map<?, ?>) client.send("GET", "/api/v1/executions/" + enc + "/tasks", null, null).json()).get("items")) {
                Object taskId = ((Map<?, ?>) task).get("id");
                for (Object job : (java.util.List<?>) ((Map<?, ?>) client.send("GET", "/api/v1/tasks/" + taskId + "/jobs", null, null).json()).get("items")) {
                    Object jobId = ((Map<?, ?>) job).get("id");
                    System.out.println("--- job " + jobId + " (" + ((Map<?, ?>) task).get("name") + ")");
                    System.out.print(client.send("GET", "/api/v1/jobs/" + jobId + "/log", null, null).body());
                }
            }
            return 0;
        }
        // the stream sends the history first, then live chunks, then an "end" event
        String path = (isJob ? "/api/v1/jobs/" : "/api/v1/executions/") + enc + "/log/stream";
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream");
        if (server.authorization() != null) rb.header("Authorization", server.authorization());
        HttpRequest request = rb.build();
        HttpResponse<java.io.InputStream> response = server.httpClient()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        String lastJob = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("event:")) event = line.substring(6).trim();
                if (line.startsWith("data:") && "log".equals(event)) {
                    Map<String, Object> chunk = Json.readMap(line.substring(5).trim());
                    String job = (String) chunk.get("job_id");
                    if (!isJob && !job.equals(lastJob)) System.out.println("--- job " + job);
                    lastJob = job;
                    System.out.print(chunk.get("text"));
                    System.out.flush();
                }
                if ("end".equals(event) && line.isEmpty()) break;
            }
        }
        return 0;
    }
}
