package io.trailboss.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trailboss.cli.CliRun;
import io.trailboss.store.Database;
import io.trailboss.testing.MutableClock;
import io.trailboss.testing.TestDatabases;
import io.trailboss.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retention of recordings: by age, with everything below a playbook, shared file contents kept while used; by hand and on a schedule. */
class RecordingRetentionTest {
    /** A whole small recording: playbook, file, play, task, host, result, record. */
    private static long recordPlaybook(Recordings r, String name) {
        long pb = id(r.create(AraResource.PLAYBOOKS, Map.of("name", name, "ansible_version", "2.14.18", "path", "/p/site.yml", "labels", List.of("kept"))));
        long file = id(r.create(AraResource.FILES, Map.of("path", "/p/site.yml", "content", "- hosts: all\n  tasks: []\n", "playbook", pb)));
        long play = id(r.create(AraResource.PLAYS, Map.of("name", "play", "uuid", java.util.UUID.randomUUID().toString(), "playbook", pb)));
        long task = id(r.create(AraResource.TASKS, Map.of("name", "t", "action", "debug", "lineno", 1, "handler", false, "play", play, "file", file, "playbook", pb)));
        long host = id(r.create(AraResource.HOSTS, Map.of("name", "web1", "playbook", pb)));
        r.create(AraResource.RESULTS, Map.of("status", "ok", "host", host, "task", task, "play", play, "playbook", pb, "content", Map.of("msg", "hi")));
        r.create(AraResource.RECORDS, Map.of("key", "k", "value", "v", "playbook", pb));
        return pb;
    }

    private static long id(Map<String, Object> m) {
        return ((Number) m.get("id")).longValue();
    }

    private static long count(Recordings r, AraResource res) {
        return r.list(res, Map.of(), 1, 0).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void pruning_removes_playbooks_older_than_the_age_with_everything_below_them_and_keeps_newer_ones(String kind) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Database db = TestDatabases.of(kind)) {
            Recordings r = new Recordings(db, clock);
            long old = recordPlaybook(r, "old");
            clock.advance(Duration.ofDays(20));
            long recent = recordPlaybook(r, "recent");
            clock.advance(Duration.ofDays(11)); // old is 31 days old, recent 11

            Recordings.Pruned first = r.prune(Duration.ofDays(30));
            assertThat(first.playbooks()).isEqualTo(1);
            assertThat(first.contents()).as("the file content is still used by the recent playbook").isZero();
            assertThatThrownBy(() -> r.get(AraResource.PLAYBOOKS, old)).isInstanceOf(RecordException.class).hasMessageContaining("Not found");
            assertThat(r.get(AraResource.PLAYBOOKS, recent).get("name")).isEqualTo("recent");
            for (AraResource res : List.of(AraResource.PLAYS, AraResource.TASKS, AraResource.HOSTS, AraResource.RESULTS, AraResource.FILES, AraResource.RECORDS)) {
                assertThat(count(r, res)).as(res.path).isEqualTo(1);
            }
            long fileId = id(r.list(AraResource.FILES, Map.of(), 1, 0).results().getFirst());
            assertThat((String) r.get(AraResource.FILES, fileId).get("content")).contains("hosts: all");

            clock.advance(Duration.ofDays(30));
            Recordings.Pruned second = r.prune(Duration.ofDays(30));
            assertThat(second.playbooks()).isEqualTo(1);
            assertThat(second.contents()).as("the content no file uses any more").isEqualTo(1);
            assertThat(count(r, AraResource.PLAYBOOKS)).isZero();
            assertThat(count(r, AraResource.RESULTS)).isZero();
            assertThat(r.prune(Duration.ofDays(30))).isEqualTo(new Recordings.Pruned(second.before(), 0, 0));
        }
    }

    @Test
    void the_schedule_prunes_at_start_and_again_at_every_interval() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (Database db = TestDatabases.h2()) {
            Recordings r = new Recordings(db, clock);
            recordPlaybook(r, "first");
            clock.advance(Duration.ofDays(8));
            try (RecordingRetention retention = new RecordingRetention(r, Duration.ofDays(7)).start(Duration.ofMillis(100))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> count(r, AraResource.PLAYBOOKS) == 0);
                recordPlaybook(r, "second");
                assertThat(count(r, AraResource.PLAYBOOKS)).isEqualTo(1);
                clock.advance(Duration.ofDays(8));
                await().atMost(Duration.ofSeconds(10)).until(() -> count(r, AraResource.PLAYBOOKS) == 0);
            }
        }
    }

    @Test
    void trailboss_recordings_prune_deletes_through_the_server_and_bad_ages_are_refused() {
        try (TestServer server = new TestServer(TestDatabases.h2())) {
            recordPlaybook(server.tb.recordings(), "today");
            String s = "--server=" + server.base;
            var kept = CliRun.run("recordings", "prune", "--older-than", "30d", s);
            assertThat(kept.exit()).as(kept.err()).isZero();
            assertThat(kept.out()).contains("\"playbooks\" : 0").doesNotContain("error");
            var all = CliRun.run("recordings", "prune", "--older-than", "0", s);
            assertThat(all.exit()).as(all.err()).isZero();
            assertThat(all.out()).contains("\"playbooks\" : 1");
            assertThat(server.get("/ara/api/v1/playbooks").map().get("count")).isEqualTo(0);

            var bad = CliRun.run("recordings", "prune", "--older-than", "soon", s);
            assertThat(bad.exit()).isEqualTo(2);
            assertThat(bad.err()).contains("--older-than must look like 30d");
            var negative = server.postJson("/api/v1/recordings/prune", Map.of("older_than_days", -1));
            assertThat(negative.status()).isEqualTo(400);
            assertThat(negative.contentType()).contains("application/problem+json");
            assertThat(negative.body()).contains("older_than_days");
            var unknown = server.postJson("/api/v1/recordings/prune", Map.of("days", 3));
            assertThat(unknown.status()).isEqualTo(400);
        }
    }
}
