package io.trailboss.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real {@code ansible-playbook} (Debian's ansible-core) with the real ARA callback plugin
 * (Debian's python3-ara) posting to a real Trailboss server, and Debian's {@code ara} CLI reading
 * the recording back. Skipped with a message when Ansible is not installed, except in CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class AraCallbackTest {
    static final String PLAYBOOK = """
            - name: Trailboss recording check
              hosts: all
              gather_facts: true
              vars:
                ara_playbook_name: recorded by trailboss
                ara_playbook_labels: [trailboss, check]
              tasks:
                - name: a changed task
                  command: /bin/true
                - name: a failed but ignored task
                  command: /bin/false
                  ignore_errors: true
                - name: a loop
                  debug:
                    msg: "item {{ item }}"
                  loop: [1, 2, 3]
                - name: a skipped task
                  debug:
                    msg: never
                  when: false
                - name: record a value
                  ara_record:
                    key: answer
                    value: "42"
            """;

    private TestServer server;
    private Path dir;

    @BeforeAll
    void start() throws IOException {
        requireAnsible();
        server = new TestServer(TestDatabases.h2());
        dir = Files.createTempDirectory("trailboss-ara-");
        Files.writeString(dir.resolve("check.yml"), PLAYBOOK);
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    public static void requireAnsible() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/ansible-playbook")) && Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/ara"));
        if (!present) {
            if ("true".equals(System.getenv("CI"))) throw new IllegalStateException("ansible-core and python3-ara are required in CI (.ci/run installs them)");
            Assumptions.abort("ansible-playbook or python3-ara not installed (apt-get install ansible-core python3-ara); skipping");
        }
    }

    public record Run(int exit, String output) {}

    public static Run run(List<String> command, Map<String, String> env, Path cwd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The environment that makes ansible-playbook record through ARA's callback into {@code araServer}. */
    public static Map<String, String> callbackEnv(String araServer, int threads, Path dir) {
        String callbacks = run(List.of("/usr/bin/python3", "-m", "ara.setup.callback_plugins"), Map.of(), dir).output().trim();
        String actions = run(List.of("/usr/bin/python3", "-m", "ara.setup.action_plugins"), Map.of(), dir).output().trim();
        return Map.ofEntries(Map.entry("ANSIBLE_CALLBACK_PLUGINS", callbacks), Map.entry("ANSIBLE_ACTION_PLUGINS", actions),
                Map.entry("ANSIBLE_CALLBACKS_ENABLED", "ara_default"), Map.entry("ARA_API_CLIENT", "http"),
                Map.entry("ARA_API_SERVER", araServer), Map.entry("ARA_CALLBACK_THREADS", Integer.toString(threads)),
                Map.entry("ANSIBLE_NOCOLOR", "1"), Map.entry("ANSIBLE_LOCAL_TEMP", dir.resolve("tmp").toString()),
                Map.entry("ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3"), Map.entry("ANSIBLE_HOST_KEY_CHECKING", "false"));
    }

    static List<String> playbookCommand(Path playbook) {
        return List.of("/usr/bin/ansible-playbook", "-i", "localhost,", "-c", "local", playbook.toString());
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> results(String path) {
        TestServer.Answer a = server.get(path);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return (List<Map<String, Object>>) a.map().get("results");
    }

    private Map<String, Object> one(String path) {
        TestServer.Answer a = server.get(path);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.map();
    }

    private long recordPlaybook(int threads) {
        Run run = run(playbookCommand(dir.resolve("check.yml")), callbackEnv(server.base + "/ara", threads, dir), dir);
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).doesNotContain("Failed to post", "Traceback");
        List<Map<String, Object>> playbooks = results("/ara/api/v1/playbooks?order=-id&limit=1");
        return ((Number) playbooks.get(0).get("id")).longValue();
    }

    @SuppressWarnings("unchecked")
    private void assertRecorded(long id) {
        Map<String, Object> playbook = one("/ara/api/v1/playbooks/" + id);
        assertThat(playbook).containsEntry("status", "completed").containsEntry("name", "recorded by trailboss");
        assertThat(playbook.get("duration")).isNotNull();
        assertThat(((List<Map<String, Object>>) playbook.get("labels")).stream().map(l -> l.get("name")).toList())
                .contains("trailboss", "check"); // besides the argument labels ARA adds (check:False, tags:all)
        assertThat((Map<String, Object>) playbook.get("items")).containsEntry("plays", 1).containsEntry("tasks", 6)
                .containsEntry("hosts", 1).containsEntry("results", 6).containsEntry("records", 1);

        List<Map<String, Object>> plays = results("/ara/api/v1/plays?playbook=" + id);
        assertThat(plays).singleElement().satisfies(p -> assertThat(p).containsEntry("status", "completed").containsEntry("name", "Trailboss recording check"));

        List<Map<String, Object>> tasks = results("/ara/api/v1/tasks?playbook=" + id + "&order=id");
        assertThat(tasks).extracting(t -> t.get("action")).containsExactly("gather_facts", "command", "command", "debug", "debug", "ara_record");
        assertThat(tasks).allSatisfy(t -> assertThat(t).containsEntry("status", "completed").containsKey("path"));

        List<Map<String, Object>> results = results("/ara/api/v1/results?playbook=" + id + "&order=id");
        Map<String, String> statusByTask = new java.util.LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            String task = tasks.stream().filter(t -> t.get("id").equals(r.get("task"))).findFirst().orElseThrow().get("name").toString();
            statusByTask.put(task, (String) r.get("status"));
        }
        assertThat(statusByTask).containsEntry("a changed task", "changed").containsEntry("a failed but ignored task", "ignored")
                .containsEntry("a loop", "ok").containsEntry("a skipped task", "skipped").containsEntry("record a value", "changed");
        assertThat(results).noneSatisfy(r -> assertThat(r).containsKey("content"));
        Map<String, Object> loop = one("/ara/api/v1/results/" + results.get(3).get("id"));
        assertThat((List<Object>) ((Map<String, Object>) loop.get("content")).get("results")).hasSize(3);
        assertThat((Map<String, Object>) loop.get("task")).containsEntry("name", "a loop");

        List<Map<String, Object>> hosts = results("/ara/api/v1/hosts?playbook=" + id);
        assertThat(hosts).singleElement().satisfies(h -> assertThat(h).containsEntry("name", "localhost").containsEntry("changed", 3).containsEntry("ok", 5)
                .containsEntry("failed", 0).containsEntry("skipped", 1).containsEntry("unreachable", 0).doesNotContainKey("facts"));
        Map<String, Object> host = one("/ara/api/v1/hosts/" + hosts.get(0).get("id"));
        assertThat((Map<String, Object>) host.get("facts")).containsKey("ansible_hostname");

        List<Map<String, Object>> files = results("/ara/api/v1/files?playbook=" + id);
        assertThat(files).extracting(f -> f.get("path")).contains(dir.resolve("check.yml").toString());
        Map<String, Object> file = one("/ara/api/v1/files/" + files.get(0).get("id"));
        assertThat((String) file.get("content")).contains("a failed but ignored task");
        assertThat(file.get("sha1")).isEqualTo(Recordings.sha1(PLAYBOOK));

        List<Map<String, Object>> records = results("/ara/api/v1/records?playbook=" + id + "&key=answer");
        Map<String, Object> record = one("/ara/api/v1/records/" + records.get(0).get("id"));
        assertThat(record).containsEntry("value", "42").containsEntry("type", "text");
    }

    @Test
    void the_real_ara_callback_records_a_whole_playbook_and_the_ara_cli_reads_it() {
        long id = recordPlaybook(0);
        assertRecorded(id);

        Map<String, String> env = Map.of("ARA_API_CLIENT", "http", "ARA_API_SERVER", server.base + "/ara");
        Run list = run(List.of("/usr/bin/ara", "playbook", "list", "-f", "json"), env, dir);
        assertThat(list.exit()).as(list.output()).isZero();
        List<Map<String, Object>> listed = jsonList(list.output());
        assertThat(listed).anySatisfy(p -> assertThat(p).containsEntry("id", (int) id).containsEntry("status", "completed")
                .containsEntry("tasks", 6).containsEntry("results", 6).containsEntry("hosts", 1));

        Run results = run(List.of("/usr/bin/ara", "result", "list", "--playbook", Long.toString(id), "--server", server.base + "/ara",
                "--client", "http", "-f", "json"), Map.of(), dir);
        assertThat(results.exit()).as(results.output()).isZero();
        // like ARA's own CLI, the list leaves out results of ignored errors unless --ignore-errors is given
        assertThat(jsonList(results.output())).extracting(r -> r.get("status")).containsExactlyInAnyOrder("ok", "changed", "ok", "skipped", "changed");
    }

    @Test
    void the_callback_with_four_threads_records_the_same_playbook() {
        assertRecorded(recordPlaybook(4));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> jsonList(String output) {
        String json = output.lines().dropWhile(l -> !l.startsWith("[")).collect(Collectors.joining("\n"));
        return new ArrayList<>((List<Map<String, Object>>) Json.read(json));
    }

    @Test
    void ara_record_in_ten_forked_workers_at_once_records_every_key() throws IOException {
        // the workers inherit the callback's HTTP session: answers must not travel on a shared connection
        StringBuilder inventory = new StringBuilder("[all]\n");
        for (int i = 0; i < 10; i++) inventory.append("w").append(i).append(" ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n");
        Files.writeString(dir.resolve("workers.ini"), inventory);
        Files.writeString(dir.resolve("workers.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - ara_record:
                        key: "key-{{ inventory_hostname }}"
                        value: "{{ inventory_hostname }}"
                """);
        Run run = run(List.of("/usr/bin/ansible-playbook", "-f", "10", "-i", dir.resolve("workers.ini").toString(), dir.resolve("workers.yml").toString()),
                callbackEnv(server.base + "/ara", 0, dir), dir);
        assertThat(run.exit()).as(run.output()).isZero();
        long id = ((Number) results("/ara/api/v1/playbooks?order=-id&limit=1").get(0).get("id")).longValue();
        assertThat(results("/ara/api/v1/records?playbook=" + id + "&limit=100")).extracting(r -> r.get("key"))
                .containsExactlyInAnyOrder("key-w0", "key-w1", "key-w2", "key-w3", "key-w4", "key-w5", "key-w6", "key-w7", "key-w8", "key-w9");
    }
}
