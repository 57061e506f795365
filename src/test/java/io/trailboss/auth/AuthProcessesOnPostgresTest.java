package io.trailboss.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two server processes started at once on one PostgreSQL database (authentication required by default):
 * one admin and one bootstrap token between them; a login on one node is accepted by the other, a logout
 * through one ends it on the other within the cache TTL; the CLI with TRAILBOSS_API_TOKEN, and a job calling
 * the CLI with its own job token (TRAILBOSS_TOKEN).
 */
class AuthProcessesOnPostgresTest {
    private static final String ADMIN_TOKEN = "tbk_process-admin-" + java.util.UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> servers = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : servers) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private String startServer(String pgUrl, Path dir) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = List.of(java(), "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main", "server",
                "--port", String.valueOf(port), "--data", dir.toString(), "--db", pgUrl);
        Path log = dir.resolve("server-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TRAILBOSS_ADMIN_TOKEN", ADMIN_TOKEN);
        // a job runs this build's CLI from its class path (under /root and the worktree): it must see the machine's file system
        pb.environment().put("TRAILBOSS_JOB_ISOLATION", "none");
        pb.environment().remove("TRAILBOSS_ADMIN_PASSWORD");
        pb.environment().remove("TRAILBOSS_AUTH");
        servers.add(pb.start());
        logs.add(log);
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> send(String base, String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private record Cli(int exit, String out) {}

    private Cli cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("TRAILBOSS_API_TOKEN");
        pb.environment().remove("TRAILBOSS_TOKEN");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Cli(p.exitValue(), out);
    }

    @Test
    void two_nodes_share_one_admin_sessions_and_tokens_and_the_cli_authenticates() throws Exception {
        String pg = TestDatabases.freshPostgresUrl();
        Path dir = Files.createTempDirectory("trailboss-auth-");
        String a = startServer(pg, dir);
        String b = startServer(pg, dir);
        for (String base : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> send(base, "GET", "/health/live", Map.of(), null).statusCode() == 200);
        }
        String logA = Files.readString(logs.get(0)) + Files.readString(logs.get(1));
        assertThat(logA).contains("authentication required");
        Matcher created = Pattern.compile("created user 'admin' with password: (\\S+)").matcher(logA);
        assertThat(created.find()).as(logA).isTrue();
        String password = created.group(1);
        assertThat(created.find()).as("the admin is created once").isFalse();
        Map<String, String> admin = Map.of("Authorization", "Bearer " + ADMIN_TOKEN);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> users = (List<Map<String, Object>>) Json.readMap(send(b, "GET", "/api/v1/users", admin, null).body()).get("items");
        assertThat(users).extracting(u -> u.get("username")).containsExactly("admin");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> tokens = (List<Map<String, Object>>) Json.readMap(send(a, "GET", "/api/v1/tokens", admin, null).body()).get("items");
        assertThat(tokens).extracting(t -> t.get("name")).containsExactly("bootstrap-admin");

        // a login on node a is a session on node b; a logout through a ends it on b within the cache TTL
        HttpResponse<String> login = send(a, "POST", "/login", Map.of("Content-Type", "application/json"), Json.write(Map.of("username", "admin", "password", password)));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("tb_session=")).findFirst().orElseThrow().split(";")[0];
        String csrf = (String) Json.readMap(login.body()).get("csrf");
        assertThat(send(b, "GET", "/api/v1/me", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(200);
        assertThat(send(a, "POST", "/logout", Map.of("Cookie", cookie, "X-CSRF-Token", csrf), null).statusCode()).isEqualTo(204);
        assertThat(send(a, "GET", "/api/v1/me", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(401);
        await().atMost(Sessions.CACHE_TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> send(b, "GET", "/api/v1/me", Map.of("Cookie", cookie), null).statusCode() == 401);

        // the CLI: refused without a token, served with TRAILBOSS_API_TOKEN; a token made on a is revoked on b
        Cli without = cli(Map.of("TRAILBOSS_URL", a), "workflows", "list");
        assertThat(without.exit()).isEqualTo(1);
        assertThat(without.out()).contains("requires authentication");
        Cli made = cli(Map.of("TRAILBOSS_URL", a, "TRAILBOSS_API_TOKEN", ADMIN_TOKEN), "tokens", "create", "deployer", "--role", "operator");
        assertThat(made.exit()).as(made.out()).isZero();
        Map<String, Object> issued = Json.readMap(made.out().substring(made.out().indexOf('{')));
        String deployer = (String) issued.get("token");
        Path wf = dir.resolve("wf.yaml");
        Files.writeString(wf, """
                version: '2.0'
                self_check:
                  tasks:
                    look:
                      action: shell
                      input:
                        script: |
                          TRAILBOSS_URL="$TRAILBOSS_SERVER" "%s" -cp "%s" io.trailboss.cli.Main executions get "$TRAILBOSS_EXECUTION_ID"
                """.formatted(java(), System.getProperty("java.class.path")));
        assertThat(cli(Map.of("TRAILBOSS_URL", b, "TRAILBOSS_API_TOKEN", deployer), "workflows", "create", wf.toString()).exit()).isZero();
        Cli started = cli(Map.of("TRAILBOSS_URL", b, "TRAILBOSS_API_TOKEN", deployer), "executions", "start", "self_check");
        assertThat(started.exit()).as(started.out()).isZero();
        String execution = (String) Json.readMap(started.out().substring(started.out().indexOf('{'))).get("id");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String state = (String) Json.readMap(send(a, "GET", "/api/v1/executions/" + execution, admin, null).body()).get("state");
            return "SUCCESS".equals(state) || "ERROR".equals(state);
        });
        // the job called the CLI with its own job token and read its execution
        Cli logs = cli(Map.of("TRAILBOSS_URL", a, "TRAILBOSS_API_TOKEN", ADMIN_TOKEN), "logs", execution);
        assertThat(logs.out()).contains("\"workflow_name\" : \"self_check\"").contains("\"state\" : \"RUNNING\"");
        Cli audit = cli(Map.of("TRAILBOSS_URL", a, "TRAILBOSS_API_TOKEN", ADMIN_TOKEN), "audit", "--actor", "deployer");
        assertThat(audit.exit()).isZero();
        assertThat(audit.out()).contains("POST /api/v1/executions").contains("PUT /api/v1/workflows");

        assertThat(cli(Map.of("TRAILBOSS_URL", a, "TRAILBOSS_API_TOKEN", ADMIN_TOKEN), "tokens", "revoke", (String) issued.get("id")).exit()).isZero();
        await().atMost(ApiTokens.CACHE_TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> send(b, "GET", "/api/v1/workflows", Map.of("Authorization", "Bearer " + deployer), null).statusCode() == 401);
    }
}
