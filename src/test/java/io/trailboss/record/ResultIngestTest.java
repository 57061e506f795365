package io.trailboss.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Results posted at once by many threads are committed in shared batches; each answer still names its own row, and a bad row fails alone. */
class ResultIngestTest {
    private static long id(Map<String, Object> m) {
        return ((Number) m.get("id")).longValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    @SuppressWarnings("unchecked")
    void concurrent_results_each_get_their_own_id_and_a_bad_reference_fails_only_its_own_post(String kind) throws Exception {
        try (Database db = TestDatabases.of(kind)) {
            Recordings r = new Recordings(db, Clock.systemUTC());
            RecordedTask recorded = RecordedTask.create(r, "h");
            long pb = recorded.playbook();
            long play = recorded.play();
            long task = recorded.task();
            long host = recorded.host();
            Map<Long, Integer> idToItem = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<String> badAnswers = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 40; i++) {
                        int item = thread * 40 + i;
                        if (item % 97 == 5) {
                            try {
                                r.create(AraResource.RESULTS, Map.of("host", 999_999, "task", task, "play", play, "playbook", pb, "content", Map.of("item", item)));
                                badAnswers.add("accepted a result of a host that does not exist");
                            } catch (RecordException expected) {
                                if (!expected.getMessage().contains("does not exist")) badAnswers.add(expected.getMessage());
                            }
                            continue;
                        }
                        Map<String, Object> created = r.create(AraResource.RESULTS, Map.of("host", host, "task", task, "play", play, "playbook", pb, "content", Map.of("item", item)));
                        idToItem.put(id(created), item);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            assertThat(badAnswers).isEmpty();
            long bad = java.util.stream.IntStream.range(0, 640).filter(i -> i % 97 == 5).count();
            assertThat(idToItem).hasSize(640 - (int) bad);
            assertThat(r.list(AraResource.RESULTS, Map.of(), 1, 0).count()).isEqualTo(640 - bad);
            for (var e : idToItem.entrySet()) {
                Map<String, Object> stored = r.get(AraResource.RESULTS, e.getKey());
                assertThat(io.trailboss.json.Json.write(stored.get("content"))).isEqualTo("{\"item\":" + e.getValue() + "}");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void on_postgres_a_batch_waiting_for_its_commit_does_not_hold_back_the_next_one() throws Exception {
        try (Database db = TestDatabases.postgres()) {
            Recordings r = new Recordings(db, Clock.systemUTC());
            RecordedTask recorded = RecordedTask.create(r, "slow");
            long pb = recorded.playbook();
            long play = recorded.play();
            long task = recorded.task();
            long slow = recorded.host();
            long fast = recorded.host(r, "fast");
            try (org.jdbi.v3.core.Handle locker = db.jdbi().open()) {
                // the insert's foreign-key check on host 'slow' waits for this lock: its batch is stuck in a writer
                locker.begin();
                locker.createQuery("select id from rec_host where id = :id for update").bind("id", slow).mapTo(Long.class).one();
                java.util.concurrent.CompletableFuture<Map<String, Object>> stuck = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> r.create(AraResource.RESULTS, Map.of("host", slow, "task", task, "play", play, "playbook", pb, "content", Map.of("n", 1))));
                Thread.sleep(300);
                assertThat(stuck).isNotDone();
                java.util.concurrent.CompletableFuture<Map<String, Object>> next = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> r.create(AraResource.RESULTS, Map.of("host", fast, "task", task, "play", play, "playbook", pb, "content", Map.of("n", 2))));
                assertThat(next.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsEntry("host", fast);
                assertThat(stuck).isNotDone();
                locker.rollback();
                assertThat(stuck.get(10, java.util.concurrent.TimeUnit.SECONDS)).containsEntry("host", slow);
            } finally {
                r.close();
            }
        }
    }
}
