package io.trailboss.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.trailboss.model.Job;
import io.trailboss.model.JobState;
import io.trailboss.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The claim's scan of the queue finds the queued jobs of the targets asked for, and reads the
 * queue, not the targets' history: a long history must not make every claim slower.
 */
class JobQueueScanTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgres"})
    void finds_queued_jobs_of_the_targets_without_reading_their_history(String kind) {
        try (Database db = TestDatabases.of(kind)) {
            JobStore store = new JobStore("node-1", db.dialect());
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) jobs.add(JobHistoryLookupTest.job(String.format("done-%05d", i), i % 2 == 0 ? "web" : "db", i));
            jobs.add(queued("q-web", "web", "shell"));
            jobs.add(queued("q-db", "db", "shell"));
            jobs.add(queued("q-other", "other", "shell"));
            jobs.add(queued("q-manual", "web", "manual"));
            db.jdbi().useTransaction(h -> {
                JobHistoryLookupTest.parents(h);
                store.insertAll(h, jobs, j -> List.of());
            });

            db.jdbi().useHandle(h -> {
                assertThat(store.queuedOn(h, List.of("web", "db"), "manual", 10)).containsExactlyInAnyOrder("q-web", "q-db");
                assertThat(store.queuedOn(h, List.of("web", "db"), "manual", 1)).hasSize(1);
                assertThat(store.queuedOn(h, List.of("none"), "manual", 10)).isEmpty();
                assertThat(store.queuedOn(h, List.of(), "manual", 10)).isEmpty();
            });

            if (db.dialect() == Database.Dialect.H2) {
                // H2 counts the rows a query read: the four queued ones, not the 3,000 finished jobs of web and db
                String plan = db.jdbi().withHandle(h -> h.createQuery("explain analyze " + queuedOnSql(store))
                        .mapTo(String.class).one());
                Matcher read = Pattern.compile("scanCount: (\\d+)").matcher(plan);
                assertThat(read.find()).as(plan).isTrue();
                assertThat(Integer.parseInt(read.group(1))).as(plan).isLessThan(10);
            }
        }
    }

    /** The scan's statement with the targets web and db and the manual action filled in. */
    private static String queuedOnSql(JobStore store) {
        return store.queuedOnStatement().replace("<targets>", "'web', 'db'").replace(":excluded", "'manual'").replace(":max", "12");
    }

    private static Job queued(String id, String target, String action) {
        return new Job(id, "e", "t", action, java.util.Map.of(), JobState.QUEUED, null, null, 0, 1, false, null, null, null,
                5_000, null, null, 5_000, target, null, 0);
    }
}
