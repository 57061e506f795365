package io.trailboss.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.testing.TestDatabases;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The newest job on a target (the link of the next job into the target's history) is found from
 * the newest one a node has seen, and stays right when that hint is wrong: a newer job inserted
 * by another node, a hinted job that was rolled back or deleted.
 */
class JobHistoryLookupTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void finds_the_newest_job_on_a_target_whoever_inserted_it_and_whatever_was_rolled_back(String kind) {
        try (Database db = TestDatabases.of(kind)) {
            JobStore node1 = new JobStore("node-1", db.dialect());
            JobStore node2 = new JobStore("node-2", db.dialect());
            db.jdbi().useTransaction(h -> {
                parents(h);
                node1.insertAll(h, List.of(job("j1", "web", 100), job("j2", "web", 200), job("j3", "db", 150)), j -> List.of());
            });
            db.jdbi().useHandle(h -> {
                assertThat(node1.lastOnTarget(h, "web")).contains("j2");
                assertThat(node1.lastOnTarget(h, "db")).contains("j3");
                assertThat(node1.lastOnTarget(h, "none")).isEmpty();
                assertThat(node2.lastOnTarget(h, "web")).as("a node that inserted nothing reads the history").contains("j2");
            });

            // another node's newer job is found by the node whose hint is older
            db.jdbi().useTransaction(h -> node2.insertAll(h, List.of(job("j4", "web", 300)), j -> List.of()));
            db.jdbi().useHandle(h -> assertThat(node1.lastOnTarget(h, "web")).contains("j4"));

            // jobs with the same creation time: the greater id is the newer, as in the history list
            db.jdbi().useTransaction(h -> node1.insertAll(h, List.of(job("j5a", "web", 300), job("j5b", "web", 300)), j -> List.of()));
            db.jdbi().useHandle(h -> assertThat(node2.lastOnTarget(h, "web")).contains("j5b"));

            // a hint from an insert that was rolled back points past every job: the history decides
            try {
                db.jdbi().useTransaction(h -> {
                    node1.insertAll(h, List.of(job("j6", "web", 900)), j -> List.of());
                    throw new IllegalStateException("roll back");
                });
            } catch (IllegalStateException expected) {
                // the insert is gone
            }
            db.jdbi().useHandle(h -> {
                assertThat(node1.lastOnTarget(h, "web")).contains("j5b");
                assertThat(node1.lastOnTarget(h, "web")).as("asked again").contains("j5b");
            });

            // the newest job deleted: the one before it is the newest
            db.jdbi().useTransaction(h -> h.execute("delete from job where id in ('j5a', 'j5b')"));
            db.jdbi().useHandle(h -> assertThat(node1.lastOnTarget(h, "web")).contains("j4"));
        }
    }

    static void parents(Handle h) {
        h.execute("insert into definition_source (sha256, source, created_at) values ('s', 'x', 0)");
        h.execute("""
                insert into execution (id, workflow_name, source_sha, state, input, params, context, root_execution_id,
                    active_tasks, waiting_joins, unhandled_errors, created_at, updated_at)
                values ('e', 'w', 's', 'RUNNING', '{}', '{}', '{}', 'e', 0, 0, 0, 0, 0)""");
        h.execute("""
                insert into task_execution (id, execution_id, name, state, in_context, attempt, items_total, items_next, items_done,
                    items_failed, flags, error_handled, leaf, seq, created_at, updated_at)
                values ('t', 'e', 'run', 'RUNNING', '{}', 1, 0, 0, 0, 0, '', false, true, 0, 0, 0)""");
    }

    static Job job(String id, String target, long createdAt) {
        return new Job(id, "e", "t", "shell", Map.of(), JobState.SUCCEEDED, null, null, 0, 1, false, null, null, "local",
                createdAt, createdAt, createdAt, createdAt, target, null, 0);
    }
}
