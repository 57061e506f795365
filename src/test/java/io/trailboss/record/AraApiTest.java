package io.trailboss.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.json.Json;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** ARA's REST API v1 under /ara over real HTTP: filters, ordering, pagination, errors, races; on H2 and PostgreSQL. */
class AraApiTest {
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnH2 extends Cases {
        @BeforeAll
        void start() {
            server = new TestServer(TestDatabases.h2());
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnPostgres extends Cases {
        @BeforeAll
        void start() {
            server = new TestServer(TestDatabases.postgres());
        }
    }

    abstract static class Cases {
        static final String V1 = "/ara/api/v1";
        TestServer server;

        @AfterAll
        void stop() {
            if (server != null) server.close();
        }

        Map<String, Object> post(String path, Object body) {
            TestServer.Answer a = server.postJson(V1 + path, body);
            assertThat(a.status()).as(a.body()).isEqualTo(201);
            return a.map();
        }

        Map<String, Object> patch(String path, Object body) {
            TestServer.Answer a = server.send("PATCH", V1 + path, "application/json", Json.write(body));
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            return a.map();
        }

        Map<String, Object> get(String path) {
            TestServer.Answer a = server.get(V1 + path);
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            return a.map();
        }

        @SuppressWarnings("unchecked")
        List<Object> ids(String path) {
            return ((List<Map<String, Object>>) get(path).get("results")).stream().map(m -> m.get("id")).toList();
        }

        long count(String path) {
            return ((Number) get(path).get("count")).longValue();
        }

        void bad(String path, String field) {
            TestServer.Answer a = server.get(V1 + path);
            assertThat(a.status()).as(path + " → " + a.body()).isEqualTo(400);
            assertThat(a.map()).as(a.body()).containsKey(field).containsKey("detail");
        }

        static Map<String, Object> kv(Object... pairs) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
            return m;
        }

        long id(Map<String, Object> m) {
            return ((Number) m.get("id")).longValue();
        }

        record Recorded(long playbook, long play, long task, long host, List<Long> results) {}

        Recorded playbook(String path, String status, String started, List<String> labels, String host) {
            Map<String, Object> pb = post("/playbooks", Map.of("ansible_version", "2.14.18", "arguments", Map.of("check", false),
                    "status", "running", "path", path, "controller", "ctl", "started", started));
            long pbId = id(pb);
            assertThat(pb).containsEntry("status", "running").containsEntry("labels", List.of()).containsEntry("arguments", Map.of("check", false));
            Map<String, Object> withLabels = patch("/playbooks/" + pbId, Map.of("labels", labels));
            assertThat(withLabels.get("labels").toString()).contains(labels.get(0));
            long file = id(post("/files", Map.of("playbook", pbId, "path", path, "content", "- hosts: all\n")));
            long play = id(post("/plays", Map.of("name", "play", "status", "running", "uuid", "5254006e-7d3f-8a6b-3a8c-000000000006",
                    "playbook", pbId, "started", started)));
            Map<String, Object> task = post("/tasks", Map.of("name", "t1", "status", "running", "action", "command", "play", play,
                    "playbook", pbId, "file", file, "tags", List.of("a"), "lineno", 3, "handler", false, "started", started));
            assertThat(task).containsEntry("play", (int) play).containsEntry("started", started.replace("+00:00", ".000000Z")).containsEntry("action", "command");
            long hostId = id(post("/hosts", Map.of("name", host, "playbook", pbId)));
            List<Long> results = new ArrayList<>();
            for (Object[] r : new Object[][] {{"ok", true, false}, {"failed", true, true}, {"skipped", false, false}}) {
                Map<String, Object> created = post("/results", kv("playbook", pbId, "task", id(task), "host", hostId, "play", play,
                        "delegated_to", List.of(), "content", Map.of("rc", 0, "msg", "x"), "status", r[0], "started", started,
                        "ended", started.replace(":00+", ":02+"), "changed", r[1], "ignore_errors", r[2]));
                assertThat(created).containsEntry("status", r[0]).containsEntry("duration", "00:00:02.000000");
                results.add(id(created));
            }
            patch("/tasks/" + id(task), Map.of("status", "completed", "ended", started.replace(":00+", ":05+")));
            patch("/hosts/" + hostId, Map.of("facts", Map.of("ansible_hostname", host)));
            patch("/hosts/" + hostId, Map.of("changed", 1, "failed", 0, "ok", 2, "skipped", 1, "unreachable", 0));
            patch("/playbooks/" + pbId, Map.of("status", status, "ended", started.replace(":00+", ":09+")));
            return new Recorded(pbId, play, id(task), hostId, results);
        }

        @Test
        @SuppressWarnings("unchecked")
        void lists_filter_order_and_paginate_like_ara_and_refuse_bad_filter_values() {
            assertThat(server.get("/ara/api").map()).containsEntry("kind", "ara");
            Recorded a = playbook("/srv/a/site.yml", "completed", "2026-01-01T10:00:00+00:00", List.of("prod", "web"), "web1");
            Recorded b = playbook("/srv/b/other.yml", "failed", "2026-06-01T10:00:00+00:00", List.of("dev"), "web1");

            // playbooks: status (repeatable), label (case-insensitive), path (contains), times, order, pagination
            assertThat(ids("/playbooks?status=completed")).containsExactly((int) a.playbook());
            assertThat(count("/playbooks?status=completed&status=failed")).isEqualTo(2);
            assertThat(ids("/playbooks?label=PROD")).containsExactly((int) a.playbook());
            assertThat(ids("/playbooks?path=B/OTHER")).containsExactly((int) b.playbook());
            assertThat(ids("/playbooks?started_after=2026-03-01T00:00:00Z")).containsExactly((int) b.playbook());
            assertThat(ids("/playbooks?started_before=2026-03-01T00:00:00")).containsExactly((int) a.playbook());
            assertThat(ids("/playbooks")).containsExactly((int) b.playbook(), (int) a.playbook());
            assertThat(ids("/playbooks?order=started")).containsExactly((int) a.playbook(), (int) b.playbook());
            assertThat(ids("/playbooks?order=-duration")).hasSize(2);
            Map<String, Object> first = get("/playbooks?limit=1&order=id");
            assertThat(first).containsEntry("count", 2).containsEntry("previous", null);
            assertThat((String) first.get("next")).contains("/ara/api/v1/playbooks?").contains("order=id").contains("limit=1").contains("offset=1");
            Map<String, Object> second = get("/playbooks?limit=1&offset=1&order=id");
            assertThat(second.get("next")).isNull();
            assertThat(second.get("previous")).isNotNull();
            Map<String, Object> listed = ((List<Map<String, Object>>) first.get("results")).get(0);
            assertThat((Map<String, Object>) listed.get("items")).containsEntry("plays", 1).containsEntry("tasks", 1).containsEntry("results", 3)
                    .containsEntry("hosts", 1).containsEntry("files", 1).containsEntry("records", 0);
            assertThat(listed).containsEntry("duration", "00:00:09.000000").containsEntry("controller", "ctl");

            // results: derived statuses, booleans, parents; lists leave out content
            String r = "/results?playbook=" + a.playbook();
            assertThat(get(r).get("results").toString()).doesNotContain("content");
            assertThat(ids(r + "&status=changed")).containsExactly(a.results().get(0).intValue());
            assertThat(ids(r + "&status=ignored")).containsExactly(a.results().get(1).intValue());
            assertThat(count(r + "&status=skipped&status=failed")).isEqualTo(2);
            assertThat(count(r + "&ignore_errors=False")).isEqualTo(2);
            assertThat(count(r + "&changed=true")).isEqualTo(2);
            assertThat(count("/results?task=" + a.task() + "&host=" + a.host())).isEqualTo(3);
            assertThat(ids(r + "&order=id")).containsExactly(a.results().stream().map(Long::intValue).toArray());

            // details nest the parents, include the large fields
            Map<String, Object> result = get("/results/" + a.results().get(1));
            assertThat(result).containsEntry("status", "ignored").containsEntry("content", Map.of("rc", 0, "msg", "x"));
            assertThat((Map<String, Object>) result.get("task")).containsEntry("name", "t1").containsEntry("path", "/srv/a/site.yml");
            assertThat((Map<String, Object>) result.get("host")).containsEntry("name", "web1").doesNotContainKey("facts");
            assertThat((Map<String, Object>) result.get("playbook")).containsKey("items").doesNotContainKey("created");
            Map<String, Object> task = get("/tasks/" + a.task());
            assertThat(task).containsEntry("status", "completed").containsEntry("tags", List.of("a"));
            assertThat((Map<String, Object>) task.get("file")).containsEntry("path", "/srv/a/site.yml").containsKey("sha1");
            assertThat(get("/hosts/" + a.host())).containsEntry("facts", Map.of("ansible_hostname", "web1"));

            // plays, tasks, hosts, files filters
            assertThat(count("/plays?uuid=5254006e-7d3f-8a6b-3a8c-000000000006")).isEqualTo(2);
            assertThat(count("/tasks?action=COMMAND&handler=false&path=srv/a")).isEqualTo(1);
            assertThat(count("/hosts?name=WEB&ok__gt=1&failed__lt=1")).isEqualTo(2);
            assertThat(count("/hosts?skipped__gt=1")).isZero();
            assertThat(count("/files?path=site")).isEqualTo(1);
            assertThat(ids("/hosts?order=-id")).containsExactly((int) b.host(), (int) a.host());
            assertThat((List<Map<String, Object>>) get("/latesthosts").get("results")).singleElement()
                    .satisfies(l -> assertThat((Map<String, Object>) l.get("host")).containsEntry("id", (int) b.host()));

            // bad filter values, orders, pages: 400 naming the parameter
            bad("/playbooks?status=bogus", "status");
            bad("/playbooks?started_after=yesterday", "started_after");
            bad("/plays?uuid=not-a-uuid", "uuid");
            bad("/results?playbook=abc", "playbook");
            bad("/results?changed=maybe", "changed");
            bad("/hosts?failed__gt=x", "failed__gt");
            bad("/playbooks?order=name", "order");
            bad("/playbooks?limit=0", "limit");

            // records, as ara_record reads and writes them
            Map<String, Object> record = post("/records", Map.of("playbook", a.playbook(), "key", "answer", "value", "42", "type", "text"));
            assertThat(record).containsKeys("created", "updated").containsEntry("value", "42");
            assertThat(count("/records?playbook=" + a.playbook() + "&key=answer")).isEqualTo(1);
            assertThat(patch("/records/" + id(record), Map.of("key", "answer", "value", Map.of("v", 43), "type", "dict"))).containsEntry("value", Map.of("v", 43));
            assertThat(server.postJson(V1 + "/records", Map.of("playbook", a.playbook(), "key", "answer", "value", "1")).status()).isEqualTo(400);

            // deleting a playbook takes everything under it along
            assertThat(server.send("DELETE", V1 + "/playbooks/" + a.playbook(), null, null).status()).isEqualTo(204);
            assertThat(count("/results?playbook=" + a.playbook())).isZero();
            assertThat(count("/files?playbook=" + a.playbook())).isZero();
            assertThat(server.get(V1 + "/playbooks/" + a.playbook()).status()).isEqualTo(404);
        }

        @Test
        void bad_payloads_and_unknown_ids_are_refused_with_clear_messages_and_nan_is_accepted() {
            TestServer.Answer missing = server.get(V1 + "/playbooks/999999");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.map()).containsEntry("detail", "Not found.");
            TestServer.Answer noField = server.postJson(V1 + "/playbooks", Map.of("path", "/x.yml"));
            assertThat(noField.status()).isEqualTo(400);
            assertThat(noField.map()).containsKey("ansible_version");
            TestServer.Answer notJson = server.postJson(V1 + "/playbooks", "{not json");
            assertThat(notJson.status()).isEqualTo(400);
            TestServer.Answer unknownParent = server.postJson(V1 + "/plays", Map.of("playbook", 999999, "uuid", "5254006e-7d3f-8a6b-3a8c-000000000001"));
            assertThat(unknownParent.status()).as(unknownParent.body()).isEqualTo(400);
            assertThat(unknownParent.body()).contains("does not exist");
            TestServer.Answer badStatus = server.postJson(V1 + "/playbooks", Map.of("ansible_version", "2.14", "path", "/x.yml", "status", "great"));
            assertThat(badStatus.status()).isEqualTo(400);
            assertThat(badStatus.map()).containsKey("status");
            assertThat(server.get(V1 + "/nothing").status()).isEqualTo(404);

            long pb = id(post("/playbooks", Map.of("ansible_version", "2.14", "path", "/nan.yml")));
            long host = id(post("/hosts", Map.of("name", "h", "playbook", pb)));
            TestServer.Answer nan = server.send("PATCH", V1 + "/hosts/" + host, "application/json", "{\"facts\": {\"load\": NaN}}");
            assertThat(nan.status()).as(nan.body()).isEqualTo(200);
        }

        @Test
        void concurrent_posts_of_the_same_host_and_file_get_one_row_each() throws Exception {
            long pb = id(post("/playbooks", Map.of("ansible_version", "2.14", "path", "/race.yml")));
            int n = 8;
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<TestServer.Answer>> answers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    boolean file = i % 2 == 0;
                    Callable<TestServer.Answer> call = () -> {
                        go.await();
                        return file ? server.postJson(V1 + "/files", Map.of("playbook", pb, "path", "/race.yml", "content", "same " + pb))
                                : server.postJson(V1 + "/hosts", Map.of("playbook", pb, "name", "racer"));
                    };
                    answers.add(pool.submit(call));
                }
                go.countDown();
                for (Future<TestServer.Answer> f : answers) assertThat(f.get().status()).as(f.get().body()).isEqualTo(201);
            } finally {
                pool.shutdownNow();
            }
            assertThat(count("/hosts?playbook=" + pb)).isEqualTo(1);
            assertThat(count("/files?playbook=" + pb)).isEqualTo(1);
        }
    }
}
