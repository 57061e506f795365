package io.trailboss.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trailboss.json.Json;
import io.trailboss.record.AraCallbackTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real {@code trailboss server} process with secrets in its environment and a data directory,
 * and a real {@code trailboss agent} process with its token in its environment, both with the
 * default job isolation: their {@code shell} and {@code ansible} jobs see none of the server's or
 * agent's variables, cannot read the server's /proc entry or data directory, run as another user,
 * have a private /tmp, and fail with the limit's name when they reach one (the limits and the log
 * cap are set through the environment, so that a server without them still starts).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobIsolationTest {
    private static final String ADMIN_TOKEN = "tbk_isolation-admin-" + UUID.randomUUID();
    private static final String ADMIN_PASSWORD = "isolation-password-" + UUID.randomUUID();
    private static final String SECRET_KEY = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 32).getBytes());
    private static final String MARKER = "server-only-" + UUID.randomUUID();
    private static final String KEY_FILE_TEXT = "key-file-" + UUID.randomUUID();
    private static final long LOG_CAP = 65536;

    private static final String WORKFLOWS = """
            version: '2.0'
            show_env:
              tasks:
                env:
                  action: shell
                  input:
                    env: {GIVEN_BY_THE_TASK: "yes"}
                    script: |
                      env | sed 's/=.*//' | sort | sed 's/^/name: /'
                      env
                      echo "token shape: ${TRAILBOSS_TOKEN%%_*}_"
            reach_out:
              input: [pid, data, hostfile, name]
              tasks:
                look:
                  action: shell
                  input:
                    script: |
                      echo "uid=$(id -u)"
                      if cat /proc/{{ _.pid }}/environ > /dev/null 2>&1; then echo "server environ: READ"; else echo "server environ: refused"; fi
                      if ls {{ _.data }} > /dev/null 2>&1; then echo "data dir: LISTED"; else echo "data dir: refused"; fi
                      if cat {{ _.data }}/secret.key 2>/dev/null; then echo "secret key: READ"; else echo "secret key: refused"; fi
                      if head -c 16 {{ _.data }}/trailboss.mv.db > /dev/null 2>&1; then echo "database: READ"; else echo "database: refused"; fi
                      if [ -e {{ _.hostfile }} ]; then echo "host tmp: SEEN"; else echo "host tmp: unseen"; fi
                      for d in /root /work /home; do if ls $d > /dev/null 2>&1; then echo "$d: LISTED"; else echo "$d: refused"; fi; done
                      echo "processes: $(ls /proc | grep -c '^[0-9]')"
                      echo mine > /tmp/{{ _.name }} && echo "wrote /tmp/{{ _.name }}"
            burn_cpu:
              tasks:
                spin:
                  action: shell
                  input:
                    script: while :; do :; done
            big_file:
              tasks:
                write:
                  action: shell
                  input:
                    script: |
                      set -e
                      head -c 3000000 /dev/zero > big
                      echo "not reached"
            big_memory:
              tasks:
                allocate:
                  action: shell
                  input:
                    script: python3 -c 'bytearray(6 * 1024 ** 3)'
            chatter:
              input: [where]
              tasks:
                talk:
                  targets: "{{ _.where }}"
                  action: shell
                  input:
                    script: while :; do echo "an endless log line of some length 0123456789"; done
            remote_env:
              input: [agent_pid]
              tasks:
                env:
                  targets: edge1
                  action: shell
                  input:
                    script: |
                      echo "uid=$(id -u)"
                      if cat /proc/{{ _.agent_pid }}/environ > /dev/null 2>&1; then echo "agent environ: READ"; else echo "agent environ: refused"; fi
                      env
                      echo "token shape: ${TRAILBOSS_TOKEN%%_*}_"
            play_isolated:
              input: [pid]
              tasks:
                play:
                  action: ansible
                  input:
                    hosts: {labels: {group: iso}}
                    extra_vars: {server_pid: "{{ _.pid }}"}
                    playbook: |
                      - hosts: all
                        gather_facts: false
                        tasks:
                          - command: id -un
                            register: who
                          - shell: "cat /proc/{{ server_pid }}/environ > /dev/null 2>&1 && echo READ || echo refused"
                            register: environ
                          - debug: {msg: "runs as {{ who.stdout }}, server environ {{ environ.stdout }}, HOME {{ lookup('env', 'HOME') }}"}
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();
    private Path dir;
    private Path data;
    private Process server;
    private String base;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("trailboss-isolation-");
        data = Files.createDirectories(dir.resolve("data"));
        // a key file where the server keeps one: jobs must not read it (the server itself takes the key from its environment)
        Files.writeString(data.resolve("secret.key"), KEY_FILE_TEXT + "\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        server = start(dir.resolve("server.log"), Map.of("TRAILBOSS_ADMIN_TOKEN", ADMIN_TOKEN, "TRAILBOSS_ADMIN_PASSWORD", ADMIN_PASSWORD,
                        "TRAILBOSS_SECRET_KEY", SECRET_KEY, "ISOLATION_MARKER", MARKER),
                "server", "--port", String.valueOf(port), "--data", data.toString(), "--auth", "required");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> send("GET", "/api/v1/health", null).statusCode() == 200);
        var put = send("PUT", "/api/v1/workflows", WORKFLOWS);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    @AfterAll
    void stop() throws InterruptedException {
        for (Process p : processes) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private Process start(Path log, Map<String, String> env, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.trailboss.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("TRAILBOSS_"));
        pb.environment().putAll(env);
        // small limits, given as variables: a server that does not know them still starts (and fails the checks)
        pb.environment().put("TRAILBOSS_JOB_CPU", "2");
        pb.environment().put("TRAILBOSS_JOB_FILE_SIZE", "1m");
        pb.environment().put("TRAILBOSS_LOG_CAP", String.valueOf(LOG_CAP));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ADMIN_TOKEN);
        if (body != null) b.header("Content-Type", body.startsWith("{") ? "application/json" : "text/yaml");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> json(String method, String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> r = send(method, path, body == null ? null : Json.write(body));
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return Json.readMap(r.body());
    }

    /** Runs a workflow to its end and answers its only job (with its log). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> runToEnd(String workflow, Map<String, Object> input) throws Exception {
        String id = (String) json("POST", "/api/v1/executions", Map.of("workflow", workflow, "input", input)).get("id");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("SUCCESS", "ERROR", "CANCELLED").contains(json("GET", "/api/v1/executions/" + id, null).get("state")));
        var tasks = (List<Map<String, Object>>) json("GET", "/api/v1/executions/" + id + "/tasks", null).get("items");
        var jobs = (List<Map<String, Object>>) json("GET", "/api/v1/tasks/" + tasks.getFirst().get("id") + "/jobs", null).get("items");
        assertThat(jobs).hasSize(1);
        Map<String, Object> job = new java.util.LinkedHashMap<>(json("GET", "/api/v1/jobs/" + jobs.getFirst().get("id"), null));
        job.put("log", send("GET", "/api/v1/jobs/" + job.get("id") + "/log", null).body());
        return job;
    }

    private static void assertNoSecretOfTheServer(String log) {
        assertThat(log).doesNotContain(MARKER).doesNotContain(ADMIN_TOKEN).doesNotContain(ADMIN_PASSWORD).doesNotContain(SECRET_KEY)
                .doesNotContain("TRAILBOSS_ADMIN").doesNotContain("TRAILBOSS_SECRET_KEY").doesNotContain("ISOLATION_MARKER");
    }

    @Test
    void a_shell_job_sees_its_own_variables_and_none_of_the_servers() throws Exception {
        var job = runToEnd("show_env", Map.of());
        String log = (String) job.get("log");
        assertThat(job.get("state")).as(log).isEqualTo("SUCCEEDED");
        assertNoSecretOfTheServer(log);
        assertThat(log).contains("TRAILBOSS_JOB_ID=" + job.get("id") + "\n").contains("TRAILBOSS_EXECUTION_ID=" + job.get("execution_id") + "\n")
                .contains("TRAILBOSS_SERVER=" + base + "\n").contains("TRAILBOSS_TOKEN=********\n").contains("token shape: tbj_\n").contains("GIVEN_BY_THE_TASK=yes\n").contains("PATH=");
        assertThat(log).containsPattern("HOME=/tmp/trailboss-job-[^\\n]+\\n");
        // every variable the job has is one it is meant to have (sh adds PWD, and OLDPWD and SHLVL in some shells)
        Set<String> names = log.lines().filter(l -> l.startsWith("name: ")).map(l -> l.substring(6)).collect(Collectors.toSet());
        Set<String> meant = Set.of("PATH", "LANG", "LANGUAGE", "TZ", "HOME", "PWD", "OLDPWD", "SHLVL", "_", "TRAILBOSS_TOKEN", "TRAILBOSS_JOB_ID",
                "TRAILBOSS_EXECUTION_ID", "TRAILBOSS_SERVER", "GIVEN_BY_THE_TASK");
        assertThat(names).isNotEmpty().allMatch(n -> meant.contains(n) || n.startsWith("LC_"), "a variable a job is meant to have");
    }

    @Test
    void a_shell_job_cannot_reach_the_servers_process_or_data_directory_runs_as_another_user_and_has_its_own_tmp() throws Exception {
        String name = "trailboss-isolation-" + UUID.randomUUID();
        Path hostFile = Files.writeString(Path.of("/tmp", name + "-host"), "host only");
        try {
            var job = runToEnd("reach_out", Map.of("pid", server.pid(), "data", data.toString(), "hostfile", hostFile.toString(), "name", name));
            String log = (String) job.get("log");
            assertThat(job.get("state")).as(log).isEqualTo("SUCCEEDED");
            assertThat(log).contains("server environ: refused\n").contains("data dir: refused\n").contains("secret key: refused\n")
                    .contains("database: refused\n").contains("host tmp: unseen\n")
                    .contains("/root: refused\n").contains("/work: refused\n").contains("/home: refused\n")
                    .doesNotContain(KEY_FILE_TEXT).contains("wrote /tmp/" + name + "\n");
            int serverUid = (Integer) Files.getAttribute(Path.of("/proc/" + server.pid()), "unix:uid");
            String uid = log.lines().filter(l -> l.startsWith("uid=")).findFirst().orElseThrow().substring(4);
            assertThat(Integer.parseInt(uid)).as("the job's uid").isNotEqualTo(serverUid);
            // its own PID namespace: a handful of processes, not the machine's
            int seen = Integer.parseInt(log.lines().filter(l -> l.startsWith("processes: ")).findFirst().orElseThrow().substring(11));
            assertThat(seen).isLessThan(10);
            // what it wrote to /tmp stayed in its own /tmp
            assertThat(Path.of("/tmp", name)).doesNotExist();
        } finally {
            Files.deleteIfExists(hostFile);
            Files.deleteIfExists(Path.of("/tmp", name));
        }
    }

    @Test
    void a_job_that_reaches_a_limit_fails_and_names_the_limit() throws Exception {
        var cpu = runToEnd("burn_cpu", Map.of());
        assertThat(cpu.get("state")).as((String) cpu.get("log")).isEqualTo("FAILED");
        assertThat((String) cpu.get("error")).contains("CPU time limit of 2 s was reached");
        assertThat((String) cpu.get("log")).contains("[trailboss] the job's CPU time limit of 2 s was reached");

        var file = runToEnd("big_file", Map.of());
        assertThat(file.get("state")).as((String) file.get("log")).isEqualTo("FAILED");
        assertThat((String) file.get("error")).contains("file size limit of 1 MiB was reached");
        assertThat((String) file.get("log")).doesNotContain("not reached");

        var memory = runToEnd("big_memory", Map.of());
        assertThat(memory.get("state")).as((String) memory.get("log")).isEqualTo("FAILED");
        assertThat((String) memory.get("error")).contains("memory limit of 4 GiB per process was probably reached");
    }

    @Test
    @SuppressWarnings("unchecked")
    void an_agents_job_sees_neither_the_agents_token_nor_its_environment_and_a_full_log_stops_jobs_here_and_there() throws Exception {
        json("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "edge1"));
        json("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "here1"));
        String token = (String) json("POST", "/api/v1/agents/tokens", Map.of("name", "edge-agent", "targets", List.of("edge1"))).get("token");
        String agentMarker = "agent-only-" + UUID.randomUUID();
        Process agent = start(dir.resolve("agent.log"), Map.of("TRAILBOSS_AGENT_TOKEN", token, "AGENT_MARKER", agentMarker), "agent", "--server", base);

        var job = runToEnd("remote_env", Map.of("agent_pid", agent.pid()));
        String log = (String) job.get("log");
        assertThat(job.get("state")).as(log + Files.readString(dir.resolve("agent.log"))).isEqualTo("SUCCEEDED");
        assertThat((String) job.get("runner")).isEqualTo("agent:edge-agent");
        assertThat(log).doesNotContain(token).doesNotContain(agentMarker).doesNotContain("TRAILBOSS_AGENT_TOKEN").doesNotContain("AGENT_MARKER")
                .contains("agent environ: refused\n").contains("TRAILBOSS_JOB_ID=" + job.get("id") + "\n").contains("TRAILBOSS_TOKEN=********\n").contains("token shape: tbj_\n");
        int agentUid = (Integer) Files.getAttribute(Path.of("/proc/" + agent.pid()), "unix:uid");
        String uid = log.lines().filter(l -> l.startsWith("uid=")).findFirst().orElseThrow().substring(4);
        assertThat(Integer.parseInt(uid)).as("the job's uid").isNotEqualTo(agentUid);

        // a job whose log reaches the cap is stopped and fails, on the server and on an agent alike
        for (String where : List.of("here1", "edge1")) {
            var chatty = runToEnd("chatter", Map.of("where", where));
            assertThat(chatty.get("state")).as(where).isEqualTo("FAILED");
            assertThat((String) chatty.get("error")).as(where).isEqualTo("the job's log reached its cap of " + LOG_CAP + " bytes: the job was stopped");
            assertThat((String) chatty.get("log")).as(where).endsWith("[log truncated: the job's log reached its cap of " + LOG_CAP + " bytes]\n");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void an_ansible_playbook_runs_under_the_same_isolation_and_is_still_recorded() throws Exception {
        AraCallbackTest.requireAnsible();
        json("POST", "/api/v1/targets", Map.of("kind", "machine", "name", "iso1", "labels", Map.of("group", "iso"),
                "params", Map.of("ansible_connection", "local", "ansible_python_interpreter", "/usr/bin/python3")));
        var job = runToEnd("play_isolated", Map.of("pid", server.pid()));
        String log = (String) job.get("log");
        assertThat(job.get("state")).as(log).isEqualTo("SUCCEEDED");
        assertThat(log).contains("runs as nobody, server environ refused, HOME /tmp/trailboss-ansible-");
        assertNoSecretOfTheServer(log);
        Map<String, Object> output = (Map<String, Object>) job.get("output");
        assertThat(output.get("playbook_id")).as(log).isNotNull();
        var recorded = json("GET", "/ara/api/v1/playbooks/" + output.get("playbook_id"), null);
        assertThat(recorded.get("status")).isEqualTo("completed");
        assertThat((List<Map<String, Object>>) recorded.get("labels")).extracting(l -> l.get("name")).contains("trailboss_job:" + job.get("id"));
        assertThat(((Map<String, Map<String, Object>>) output.get("hosts")).get("iso1")).containsEntry("ok", 3).containsEntry("failed", 0);
    }
}
