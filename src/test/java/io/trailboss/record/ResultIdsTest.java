package io.trailboss.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.store.Database;
import io.trailboss.testing.TestDatabases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Result ids: H2 hands them out from a cached range of 1,024 (V16, H2 only: its catalogue write every
 * 32 ids was a commit of its own), PostgreSQL from its shared sequence without a per-session cache;
 * on both, results posted one after the other get increasing ids, as lists by id need.
 */
class ResultIdsTest {
    private static long id(Map<String, Object> m) {
        return ((Number) m.get("id")).longValue();
    }

    private static List<Long> postResults(Database db, int n) {
        Recordings r = new Recordings(db, Clock.systemUTC());
        try {
            RecordedTask recorded = RecordedTask.create(r, "h");
            long pb = recorded.playbook();
            long play = recorded.play();
            long task = recorded.task();
            long host = recorded.host();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) ids.add(id(r.create(AraResource.RESULTS, Map.of("host", host, "task", task, "play", play, "playbook", pb, "content", Map.of("i", i)))));
            return ids;
        } finally {
            r.close();
        }
    }

    @Test
    void h2_caches_a_range_of_1024_result_ids_and_hands_them_out_in_order() {
        try (Database db = TestDatabases.h2()) {
            long cache = db.jdbi().withHandle(h -> h.createQuery("""
                    select identity_cache from information_schema.columns where table_name = 'rec_result' and column_name = 'id'
                    """).mapTo(Long.class).one());
            assertThat(cache).isEqualTo(1024);
            int applied = db.jdbi().withHandle(h -> h.createQuery("select count(*) from flyway_schema_history where version = '16' and success")
                    .mapTo(Integer.class).one());
            assertThat(applied).as("the H2-only migration V16 is applied").isEqualTo(1);
            List<Long> ids = postResults(db, 100);
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void postgres_keeps_one_shared_sequence_without_a_session_cache_for_result_ids() {
        try (Database db = TestDatabases.postgres()) {
            long cache = db.jdbi().withHandle(h -> h.createQuery("""
                    select seqcache from pg_sequence where seqrelid = pg_get_serial_sequence('rec_result', 'id')::regclass
                    """).mapTo(Long.class).one());
            assertThat(cache).isEqualTo(1);
            assertThat(postResults(db, 50)).isSorted().doesNotHaveDuplicates();
        }
    }
}
