package io.trailboss.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.bench.AraServerProcess;
import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The same playbook, recorded by the real ARA callback once into Debian's ARA server and once into
 * Trailboss: both recordings hold the same objects (counts, statuses, per-host stats, task actions,
 * results, records, files).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AraServerComparisonTest {
    static final String PLAYBOOK = """
            - name: compared play
              hosts: all
              gather_facts: false
              vars:
                ara_playbook_labels: [compared]
              tasks:
                - name: a changed task
                  command: /bin/true
                  notify: a handler
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
                - name: skipped on one host only
                  debug:
                    msg: "{{ inventory_hostname }}"
                  when: inventory_hostname == 'h1'
                - name: fails on h2
                  fail:
                    msg: h2 fails here
                  when: inventory_hostname == 'h2'
                - name: after the failure
                  debug:
                    msg: only h1 gets here
                - name: record a value
                  ara_record:
                    key: "answer-{{ inventory_hostname }}"
                    value: "42"
              handlers:
                - name: a handler
                  debug:
                    msg: handled
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private TestServer server;
    private AraServerProcess ara;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        AraCallbackTest.requireAnsible();
        if (!AraServerProcess.installed()) {
            if ("true".equals(System.getenv("CI"))) throw new IllegalStateException("ara-server is required in CI (.ci/run installs it)");
            Assumptions.abort("Debian's ara-server is not installed (apt-get install ara-server); skipping");
        }
        dir = Files.createTempDirectory("trailboss-ara-compare-");
        Files.writeString(dir.resolve("compare.yml"), PLAYBOOK);
        Files.writeString(dir.resolve("hosts.ini"), """
                [all]
                h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3
                h2 ansible_connection=local ansible_python_interpreter=/usr/bin/python3
                """);
        server = new TestServer(TestDatabases.h2());
        ara = AraServerProcess.start(dir.resolve("ara"));
    }

    @AfterAll
    void stop() {
        if (ara != null) ara.close();
        if (server != null) server.close();
    }

    private Map<String, Object> get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
            return Json.readMap(r.body());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> list(String url) {
        return (List<Map<String, Object>>) get(url + (url.contains("?") ? "&" : "?") + "limit=1000").get("results");
    }

    /** Runs the playbook into {@code api} and describes what was recorded in terms that do not depend on ids or times. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> recordAndDescribe(String api) {
        AraCallbackTest.Run run = AraCallbackTest.run(List.of("/usr/bin/ansible-playbook", "-i", dir.resolve("hosts.ini").toString(), dir.resolve("compare.yml").toString()),
                // callback threads 0 (ARA's default): with threads, ARA's own server sometimes refuses the second of two
                // concurrent posts of a new host (its get-or-create races); Trailboss's threaded ingest is tested in AraCallbackTest
                AraCallbackTest.callbackEnv(api, 0, dir), dir);
        assertThat(run.exit()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).doesNotContain("Traceback", "Failed to");
        String v1 = api + "/api/v1";
        Map<String, Object> playbook = list(v1 + "/playbooks?order=-id").getFirst();
        long id = ((Number) playbook.get("id")).longValue();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("status", playbook.get("status"));
        d.put("items", playbook.get("items"));
        d.put("labels", ((List<Map<String, Object>>) playbook.get("labels")).stream().map(l -> l.get("name")).sorted().toList());
        d.put("plays", list(v1 + "/plays?playbook=" + id).stream().map(p -> p.get("name") + "/" + p.get("status")).toList());
        List<Map<String, Object>> tasks = list(v1 + "/tasks?playbook=" + id + "&order=id");
        d.put("tasks", tasks.stream().map(t -> t.get("name") + "/" + t.get("action") + "/" + t.get("status") + "/handler=" + t.get("handler")).toList());
        Map<Object, String> taskNames = new HashMap<>();
        tasks.forEach(t -> taskNames.put(t.get("id"), String.valueOf(t.get("name"))));
        Map<String, Object> hosts = new TreeMap<>();
        Map<Object, String> hostNames = new HashMap<>();
        for (Map<String, Object> h : list(v1 + "/hosts?playbook=" + id)) {
            hostNames.put(h.get("id"), String.valueOf(h.get("name")));
            hosts.put(String.valueOf(h.get("name")), "ok=" + h.get("ok") + " changed=" + h.get("changed") + " failed=" + h.get("failed")
                    + " skipped=" + h.get("skipped") + " unreachable=" + h.get("unreachable"));
        }
        d.put("hosts", hosts);
        List<String> results = new ArrayList<>();
        for (Map<String, Object> r : list(v1 + "/results?playbook=" + id)) {
            Map<String, Object> full = get(v1 + "/results/" + r.get("id"));
            Object content = full.get("content");
            results.add(taskNames.get(r.get("task")) + "@" + hostNames.get(r.get("host")) + ": " + r.get("status") + " changed=" + r.get("changed")
                    + " ignore_errors=" + r.get("ignore_errors") + " msg=" + (content instanceof Map<?, ?> c ? c.get("msg") : null));
        }
        results.sort(Comparator.naturalOrder());
        d.put("results", results);
        List<String> records = new ArrayList<>();
        for (Map<String, Object> r : list(v1 + "/records?playbook=" + id)) {
            Map<String, Object> full = get(v1 + "/records/" + r.get("id"));
            records.add(full.get("key") + "=" + full.get("value") + " (" + full.get("type") + ")");
        }
        records.sort(Comparator.naturalOrder());
        d.put("records", records);
        List<String> files = new ArrayList<>();
        for (Map<String, Object> f : list(v1 + "/files?playbook=" + id)) {
            Map<String, Object> full = get(v1 + "/files/" + f.get("id"));
            files.add(full.get("path") + " sha1=" + full.get("sha1") + " " + String.valueOf(full.get("content")).length() + " chars");
        }
        files.sort(Comparator.naturalOrder());
        d.put("files", files);
        return d;
    }

    @Test
    void trailboss_records_the_same_objects_as_debians_ara_server_for_the_same_playbook() {
        Map<String, Object> byAra = recordAndDescribe(ara.url());
        Map<String, Object> byTrailboss = recordAndDescribe(server.base + "/ara");
        // a sanity check that the description says something: two hosts, one failed, results of every kind
        assertThat(byAra.get("status")).isEqualTo("failed");
        assertThat(String.valueOf(byAra.get("results"))).contains("ignored", "skipped", "failed", "changed", "ok");
        assertThat(byTrailboss).isEqualTo(byAra);
    }
}
