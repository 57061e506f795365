package io.trailboss.record;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * Retention: deletes the recordings of playbooks that started more than an age ago (everything
 * below them goes with them), in chunks of 500 so that no transaction grows large, then the file
 * contents no file uses any more.
 */
final class RecordPruner {
    private final Jdbi jdbi;
    private final Clock clock;
    private final RecordStore store;
    private final FileContentStore contents;

    RecordPruner(Jdbi jdbi, Clock clock, RecordStore store, FileContentStore contents) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.store = store;
        this.contents = contents;
    }

    Recordings.Pruned prune(Duration olderThan) {
        if (olderThan.isNegative()) throw RecordException.invalid("older_than", "the age must not be negative");
        long now = clock.millis();
        long before = now - olderThan.toMillis();
        int playbooks = 0;
        while (true) {
            int n = jdbi.inTransaction(h -> {
                List<Long> ids = store.oldPlaybooks(h, before);
                return ids.isEmpty() ? 0 : store.deletePlaybooks(h, ids);
            });
            playbooks += n;
            if (n == 0) break;
        }
        int removed = jdbi.withHandle(h -> contents.deleteOrphans(h, now - 3_600_000L));
        return new Recordings.Pruned(before, playbooks, removed);
    }
}
