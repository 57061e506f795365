package io.trailboss.record;

import io.trailboss.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The recordings: ARA's objects (playbooks, plays, tasks, hosts, results, files with contents
 * shared by SHA-1, records, labels) in the {@code rec_*} tables, read and written in the shapes of
 * ARA's REST API v1. Its parts: {@link RecordCreation} and {@link RecordChanges} (writes, with
 * {@link JobWriteScope} for a job's token and {@link ResultWriter}'s group commit of results),
 * {@link RecordReads}, {@link RecordPruner}; the SQL is in {@link RecordStore},
 * {@link RecordLabelStore} and {@link FileContentStore}.
 */
public final class Recordings {
    /**
     * The label the ansible action gives the playbooks of its job ({@code trailboss_job:<job id>}), by
     * which it finds its recording: a job may not put another job's on a playbook.
     */
    public static final String JOB_LABEL = JobWriteScope.JOB_LABEL;

    public record Page(long count, List<Map<String, Object>> results) {}

    /** What a prune removed. */
    public record Pruned(long before, int playbooks, int contents) {}

    private final ResultWriter results;
    private final RecordCreation creation;
    private final RecordChanges changes;
    private final RecordReads reads;
    private final RecordPruner pruner;

    public Recordings(Database database, Clock clock) {
        Jdbi jdbi = database.jdbi();
        RecordStore store = new RecordStore();
        RecordLabelStore labels = new RecordLabelStore();
        FileContentStore contents = new FileContentStore();
        JobWriteScope scope = new JobWriteScope(store);
        this.results = new ResultWriter(database, store);
        this.reads = new RecordReads(jdbi, store, labels);
        this.creation = new RecordCreation(jdbi, clock, store, labels, contents, scope, reads, results);
        this.changes = new RecordChanges(jdbi, clock, store, labels, contents, scope, reads);
        this.pruner = new RecordPruner(jdbi, clock, store, contents);
    }

    /** Stops the writer of results; posts still waiting fail. */
    public void close() {
        results.close();
    }

    public Map<String, Object> create(AraResource r, Map<String, Object> body) {
        return create(r, body, RecordWriter.ANYONE);
    }

    /** Creates an object; a job may create playbooks (then its own) and objects below its own playbooks only. */
    public Map<String, Object> create(AraResource r, Map<String, Object> body, RecordWriter writer) {
        return creation.create(r, body, writer);
    }

    public Map<String, Object> patch(AraResource r, long id, Map<String, Object> body) {
        return patch(r, id, body, RecordWriter.ANYONE);
    }

    /** Changes an object; a job may change only its own playbooks and what lies below them. */
    public Map<String, Object> patch(AraResource r, long id, Map<String, Object> body, RecordWriter writer) {
        return changes.patch(r, id, body, writer);
    }

    public void delete(AraResource r, long id) {
        delete(r, id, RecordWriter.ANYONE);
    }

    /** Deletes an object (a playbook with everything below it); a job may delete only within its own playbooks. */
    public void delete(AraResource r, long id, RecordWriter writer) {
        changes.delete(r, id, writer);
    }

    /**
     * Retention: deletes the recordings of playbooks that started more than {@code olderThan} ago
     * (everything below them goes with them), then the file contents no file uses any more.
     */
    public Pruned prune(Duration olderThan) {
        return pruner.prune(olderThan);
    }

    public Map<String, Object> get(AraResource r, long id) {
        return reads.get(r, id);
    }

    /** Several objects by id in their list form (for a page that names the tasks and hosts of its results), by id. */
    public Map<Long, Map<String, Object>> byIds(AraResource r, Collection<Long> ids) {
        return reads.byIds(r, ids);
    }

    public Page list(AraResource r, Map<String, List<String>> query, int limit, int offset) {
        return reads.list(r, query, limit, offset);
    }

    static String sha1(String content) {
        return FileContentStore.sha1(content);
    }
}
