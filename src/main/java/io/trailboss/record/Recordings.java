package io.trailboss.record;

import com.fasterxml.jackson.databind.util.RawValue;
import io.trailboss.json.Json;
import io.trailboss.record.AraResource.Field;
import io.trailboss.record.AraResource.Filter;
import io.trailboss.record.AraResource.Kind;
import io.trailboss.store.BatchingQueue;
import io.trailboss.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementException;
import org.jdbi.v3.core.statement.Update;

/**
 * The recording store: ARA's objects (playbooks, plays, tasks, hosts, results, files with contents
 * shared by SHA-1, records, labels) in the {@code rec_*} tables, read and written in the shapes of
 * ARA's REST API v1. Every write is one or two statements; hosts and files are get-or-create and
 * safe when the callback's threads post the same one at once.
 */
public final class Recordings {
    /** How an object is shown: as POST/PATCH answer it, in a list, in a detail view (parents nested). */
    public enum Form { CREATE, LIST, DETAIL }

    public record Page(long count, List<Map<String, Object>> results) {}

    private static final String FILE_CONTENT_INSERT = """
            insert into rec_file_content (sha1, content, created_at)
            select :sha1, :content, :now from (values (1)) as one (x)
            where not exists (select 1 from rec_file_content where sha1 = :sha1)
            """;
    private static final String FILE_BY_PATH = "select f.id from rec_file f where f.playbook_id = :playbook and f.path = :path";
    private static final String HOST_BY_NAME = "select h.id from rec_host h where h.playbook_id = :playbook and h.name = :name";
    private static final String LABELS_BY_NAME = "select id, name from rec_label where name in (<names>)";
    private static final String LABEL_INSERT = "insert into rec_label (name, created_at, updated_at) values (:name, :now, :now)";
    private static final String LINKS_DELETE = "delete from rec_playbook_label where playbook_id = :playbook";
    private static final String LINK_INSERT = "insert into rec_playbook_label (playbook_id, label_id) values (:playbook, :label)";
    private static final String LABELS_OF_PLAYBOOKS = """
            select pl.playbook_id, l.id, l.name from rec_playbook_label pl join rec_label l on l.id = pl.label_id
            where pl.playbook_id in (<ids>) order by l.name
            """;
    private static final String LATEST = "h.id in (select max(x.id) from rec_host x group by x.name)";

    private final Jdbi jdbi;
    private final Clock clock;
    private final ResultWriter results;

    public Recordings(Database database, Clock clock) {
        this.jdbi = database.jdbi();
        this.clock = clock;
        this.results = new ResultWriter(writers(database.dialect()));
    }

    /**
     * Result writer threads: H2 commits one transaction at a time and spends CPU, not waiting, on each,
     * so one writer; a PostgreSQL commit mostly waits for its WAL flush, and concurrent commits share
     * flushes, so while one batch waits for its flush the next ones are inserted (one writer left
     * PostgreSQL's ingest bound by flush latency, at ~3,000 results/s with CPU to spare).
     */
    static int writers(Database.Dialect dialect) {
        return dialect == Database.Dialect.POSTGRES ? 4 : 1;
    }

    /** Stops the writer of results; posts still waiting fail. */
    public void close() {
        results.close();
    }

    // ---------------------------------------------------------------- writes

    public Map<String, Object> create(AraResource r, Map<String, Object> body) {
        return create(r, body, RecordWriter.ANYONE);
    }

    /** Creates an object; a job may create playbooks (then its own) and objects below its own playbooks only. */
    public Map<String, Object> create(AraResource r, Map<String, Object> body, RecordWriter writer) {
        if (r == AraResource.LATESTHOSTS) throw RecordException.invalid(null, "latesthosts are read-only");
        long now = clock.millis();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : r.fields) {
            if (body.containsKey(f.name())) {
                values.put(f.column(), normalize(r, f, body.get(f.name())));
            } else if (f.required()) {
                throw RecordException.invalid(f.name(), "field '" + f.name() + "' is required.");
            } else {
                values.put(f.column(), f.dflt() == Field.NOW ? (Object) now : f.kind() == Kind.JSON || f.kind() == Kind.IDS
                        ? (f.dflt() == null ? null : Json.write(f.dflt())) : f.dflt());
            }
        }
        values.put("created_at", now);
        values.put("updated_at", now);
        if (writer.isJob()) {
            if (r == AraResource.PLAYBOOKS) {
                if (body.containsKey("labels")) refuseOtherJobsLabels(labelNames(body.get("labels")), writer);
                values.put("job_id", writer.jobId());
            } else {
                jdbi.useHandle(h -> checkBelowOwnPlaybook(h, r, values, writer));
            }
        }
        return switch (r) {
            case HOSTS -> jdbi.withHandle(h -> getOrCreate(h, r, HOST_BY_NAME, Map.of("playbook", values.get("playbook_id"), "name", values.get("name")), values));
            case FILES -> {
                Object content = body.get("content");
                if (content == null) throw RecordException.invalid("content", "field 'content' is required.");
                if (!(content instanceof String text)) throw RecordException.invalid("content", "field 'content' must be a string.");
                yield jdbi.withHandle(h -> createFile(h, values, text, now));
            }
            case PLAYBOOKS -> {
                List<String> labels = body.containsKey("labels") ? labelNames(body.get("labels")) : null;
                yield jdbi.withHandle(h -> {
                    long id = insert(h, r, values);
                    if (labels != null) setLabels(h, id, labels, now);
                    return fetch(h, r, id, Form.CREATE).orElseThrow();
                });
            }
            case RESULTS -> {
                values.put("id", results.insert(values));
                yield present(r, values, Form.CREATE);
            }
            default -> jdbi.withHandle(h -> {
                long id = insert(h, r, values);
                values.put("id", id);
                return present(r, values, Form.CREATE);
            });
        };
    }

    /**
     * Group commit for results, the bulk of a recording: posting threads queue their rows and wait;
     * a writer thread inserts whatever is queued as one batch in one transaction (one writer on H2,
     * several taking turns on PostgreSQL, see {@link #writers}), so the rows
     * that arrive while a commit is running share the next one, and each request answers only
     * after the commit that holds its row. A batch that fails (a bad reference in one row) is
     * retried row by row, so that only the bad row's request gets its 400. (Posting threads that
     * took turns as the writer competed for its lock and polled for their rows: more CPU per
     * result with many clients than with few.)
     */
    private final class ResultWriter {
        private static final int MAX_BATCH = 512;
        private static final java.time.Duration LINGER = java.time.Duration.ofNanos(500_000);
        private final int writers;
        private BatchingQueue<Pending> queue;
        private boolean closed;

        ResultWriter(int writers) {
            this.writers = writers;
        }

        private record Pending(Map<String, Object> values, java.util.concurrent.CompletableFuture<Long> id) {}

        long insert(Map<String, Object> values) {
            Pending mine = new Pending(values, new java.util.concurrent.CompletableFuture<>());
            if (!queue().offer(mine)) throw new IllegalStateException("the recording store is closed");
            try {
                // bounded: a writer gone for good (the store closed in between) must not hold the request forever
                return mine.id().get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("the result was not recorded within 60 s", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while recording a result", e);
            }
        }

        /**
         * The writers start with the first result (a server that records nothing has no such thread). Rows
         * arriving within the linger join a commit when several clients are posting (the last commit held
         * several rows); a lone client (ARA's callback posts one result at a time) never waits.
         */
        private synchronized BatchingQueue<Pending> queue() {
            if (closed) throw new IllegalStateException("the recording store is closed");
            if (queue == null) queue = new BatchingQueue<>("recording-results", Integer.MAX_VALUE, MAX_BATCH, writers, LINGER, this::writeOrFail);
            return queue;
        }

        /** Rows still queued fail (their posts answer). */
        synchronized void close() {
            closed = true;
            if (queue == null) return;
            IllegalStateException closedStore = new IllegalStateException("the recording store is closed");
            for (Pending p : queue.close(java.time.Duration.ZERO)) p.id().completeExceptionally(closedStore);
        }

        private void writeOrFail(List<Pending> batch) {
            try {
                write(batch);
            } catch (RuntimeException e) {
                for (Pending p : batch) p.id().completeExceptionally(e);
            }
        }

        private void write(List<Pending> batch) {
            List<String> columns = new ArrayList<>(batch.getFirst().values().keySet());
            boolean same = batch.stream().allMatch(b -> b.values().keySet().equals(new java.util.LinkedHashSet<>(columns)));
            if (batch.size() > 1 && same) {
                try {
                    List<Long> ids = jdbi.inTransaction(h -> {
                        var pb = h.prepareBatch("insert into rec_result (" + String.join(", ", columns) + ") values ("
                                + String.join(", ", columns.stream().map(c -> ":" + c).toList()) + ")");
                        for (Pending b : batch) pb.bindMap(b.values()).add();
                        return pb.executePreparedBatch("id").mapTo(Long.class).list();
                    });
                    if (ids.size() == batch.size()) {
                        for (int i = 0; i < ids.size(); i++) batch.get(i).id().complete(ids.get(i));
                        return;
                    }
                    throw new IllegalStateException("the database returned " + ids.size() + " keys for " + batch.size() + " rows");
                } catch (RuntimeException e) {
                    // one bad row spoils the batch: below, each row alone, each with its own answer
                }
            }
            for (Pending b : batch) {
                try {
                    b.id().complete(jdbi.withHandle(h -> Recordings.this.insert(h, AraResource.RESULTS, b.values())));
                } catch (RuntimeException e) {
                    b.id().completeExceptionally(e);
                }
            }
        }
    }

    public Map<String, Object> patch(AraResource r, long id, Map<String, Object> body) {
        return patch(r, id, body, RecordWriter.ANYONE);
    }

    /** Changes an object; a job may change only its own playbooks and what lies below them. */
    public Map<String, Object> patch(AraResource r, long id, Map<String, Object> body, RecordWriter writer) {
        if (r == AraResource.LATESTHOSTS) throw RecordException.invalid(null, "latesthosts are read-only");
        long now = clock.millis();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : r.fields) {
            if (body.containsKey(f.name())) values.put(f.column(), normalize(r, f, body.get(f.name())));
        }
        List<String> labels = r == AraResource.PLAYBOOKS && body.containsKey("labels") ? labelNames(body.get("labels")) : null;
        String content = null;
        if (r == AraResource.FILES && body.containsKey("content")) {
            if (!(body.get("content") instanceof String text)) throw RecordException.invalid("content", "field 'content' must be a string.");
            content = text;
            values.put("sha1", sha1(text));
        }
        values.put("updated_at", now);
        String newContent = content;
        if (writer.isJob() && labels != null) refuseOtherJobsLabels(labels, writer);
        return jdbi.withHandle(h -> {
            if (writer.isJob()) {
                checkOwnObject(h, r, id, writer);
                // moved or re-linked: to objects of the job's own playbooks only
                if (r != AraResource.PLAYBOOKS) checkBelowOwnPlaybook(h, r, withCurrentPlaybook(h, r, id, values), writer);
            }
            if (newContent != null) insertContent(h, (String) values.get("sha1"), newContent, now);
            StringBuilder sql = new StringBuilder("update ").append(r.table).append(" set ");
            List<String> sets = new ArrayList<>();
            values.keySet().forEach(c -> sets.add(c + " = :" + c));
            sql.append(String.join(", ", sets)).append(" where id = :id");
            Update u = h.createUpdate(sql.toString()).bindMap(values).bind("id", id);
            int n;
            try {
                n = u.execute();
            } catch (StatementException e) {
                throw translate(e, r);
            }
            if (n == 0) throw RecordException.notFound();
            if (labels != null) setLabels(h, id, labels, now);
            return fetch(h, r, id, Form.CREATE).orElseThrow(RecordException::notFound);
        });
    }

    /** What a prune removed. */
    public record Pruned(long before, int playbooks, int contents) {}

    private static final String OLD_PLAYBOOKS = "select id from rec_playbook where started_at < :before order by id limit 500";
    private static final String DELETE_PLAYBOOKS = "delete from rec_playbook where id in (<ids>)";
    // a content no file uses any more; one stored in the last hour is kept, as a file being recorded may be about to use it
    private static final String DELETE_ORPHAN_CONTENTS = """
            delete from rec_file_content
            where created_at < :recent and not exists (select 1 from rec_file f where f.sha1 = rec_file_content.sha1)
            """;

    /**
     * Retention: deletes the recordings of playbooks that started more than {@code olderThan} ago
     * (everything below them goes with them), in chunks of 500 so that no transaction grows large,
     * then the file contents no file uses any more.
     */
    public Pruned prune(java.time.Duration olderThan) {
        if (olderThan.isNegative()) throw RecordException.invalid("older_than", "the age must not be negative");
        long now = clock.millis();
        long before = now - olderThan.toMillis();
        int playbooks = 0;
        while (true) {
            int n = jdbi.inTransaction(h -> {
                List<Long> ids = h.createQuery(OLD_PLAYBOOKS).bind("before", before).mapTo(Long.class).list();
                return ids.isEmpty() ? 0 : h.createUpdate(DELETE_PLAYBOOKS).bindList("ids", ids).execute();
            });
            playbooks += n;
            if (n == 0) break;
        }
        int contents = jdbi.withHandle(h -> h.createUpdate(DELETE_ORPHAN_CONTENTS).bind("recent", now - 3_600_000L).execute());
        return new Pruned(before, playbooks, contents);
    }

    public void delete(AraResource r, long id) {
        delete(r, id, RecordWriter.ANYONE);
    }

    /** Deletes an object (a playbook with everything below it); a job may delete only within its own playbooks. */
    public void delete(AraResource r, long id, RecordWriter writer) {
        if (r == AraResource.LATESTHOSTS) throw RecordException.invalid(null, "latesthosts are read-only");
        int n = jdbi.withHandle(h -> {
            if (writer.isJob()) checkOwnObject(h, r, id, writer);
            return h.createUpdate("delete from " + r.table + " where id = :id").bind("id", id).execute();
        });
        if (n == 0) throw RecordException.notFound();
    }

    // ---------------------------------------------------------------- what a job may write

    /**
     * The label the ansible action gives the playbooks of its job ({@code trailboss_job:<job id>}), by
     * which it finds its recording: a job may not put another job's on a playbook.
     */
    public static final String JOB_LABEL = "trailboss_job:";

    private static final Map<String, String> PARENT_TABLES = Map.of("play_id", "rec_play", "task_id", "rec_task", "host_id", "rec_host", "file_id", "rec_file");

    private static void refuseOtherJobsLabels(List<String> labels, RecordWriter writer) {
        for (String l : labels) {
            if (l.startsWith(JOB_LABEL) && !l.equals(JOB_LABEL + writer.jobId())) {
                throw RecordException.forbidden("job " + writer.jobId() + " may not label a playbook '" + l + "': that label names another job");
            }
        }
    }

    /** An existing object a job wants to change or delete: it must lie in a playbook the job created (labels lie in none). */
    private static void checkOwnObject(Handle h, AraResource r, long id, RecordWriter writer) {
        if (r == AraResource.LABELS) throw RecordException.forbidden("a job's token may not change labels: they are shared by every playbook");
        Optional<Long> playbook = r == AraResource.PLAYBOOKS ? Optional.of(id)
                : h.createQuery("select playbook_id from " + r.table + " where id = :id").bind("id", id).mapTo(Long.class).findOne();
        if (playbook.isEmpty()) throw RecordException.notFound();
        checkOwner(h, playbook.get(), writer, r.path + " " + id);
    }

    /**
     * An object a job creates or changes: the playbook it lies in, and the plays, tasks, hosts and
     * files it refers to, must all be of a playbook the job created. One read for all of them.
     */
    private static void checkBelowOwnPlaybook(Handle h, AraResource r, Map<String, Object> values, RecordWriter writer) {
        if (r == AraResource.LABELS) throw RecordException.forbidden("a job's token may not write labels: they are shared by every playbook; set a playbook's labels instead");
        if (!(values.get("playbook_id") instanceof Number playbook)) return; // a patch that moves nothing, or a missing field (refused later)
        List<String> refs = new ArrayList<>();
        StringBuilder sql = new StringBuilder("select (select coalesce(p.job_id, '') from rec_playbook p where p.id = :playbook_id) as owner_job");
        for (var e : PARENT_TABLES.entrySet()) {
            if (values.get(e.getKey()) instanceof Number) {
                refs.add(e.getKey());
                sql.append(", (select x.playbook_id from ").append(e.getValue()).append(" x where x.id = :").append(e.getKey()).append(") as ").append(e.getKey());
            }
        }
        var q = h.createQuery(sql + " from (values (1)) as one (x)").bind("playbook_id", playbook.longValue());
        for (String ref : refs) q.bind(ref, ((Number) values.get(ref)).longValue());
        Map<String, Object> found = q.mapToMap().one();
        Object owner = found.get("owner_job");
        if (owner == null) return; // no such playbook: the insert refuses it (400), as for anybody
        if (!writer.jobId().equals(owner)) {
            throw RecordException.forbidden("job " + writer.jobId() + " may write only the recordings of playbooks it created, not below playbook " + playbook);
        }
        for (String ref : refs) {
            Object at = found.get(ref);
            if (at != null && ((Number) at).longValue() != playbook.longValue()) {
                throw RecordException.forbidden("job " + writer.jobId() + " may not link to " + ref.replace("_id", "") + " " + values.get(ref) + ": it belongs to another playbook");
            }
        }
    }

    private static void checkOwner(Handle h, long playbook, RecordWriter writer, String what) {
        Optional<String> owner = h.createQuery("select coalesce(job_id, '') from rec_playbook where id = :id").bind("id", playbook).mapTo(String.class).findOne();
        if (owner.isEmpty()) throw RecordException.notFound();
        if (!writer.jobId().equals(owner.get())) {
            throw RecordException.forbidden("job " + writer.jobId() + " may write only the recordings of playbooks it created; " + what + " is not one of them");
        }
    }

    /** The changes of a patch, with the object's current playbook when the patch does not move it. */
    private static Map<String, Object> withCurrentPlaybook(Handle h, AraResource r, long id, Map<String, Object> values) {
        if (values.containsKey("playbook_id") || PARENT_TABLES.keySet().stream().noneMatch(values::containsKey)) return values;
        Map<String, Object> out = new LinkedHashMap<>(values);
        h.createQuery("select playbook_id from " + r.table + " where id = :id").bind("id", id).mapTo(Long.class).findOne()
                .ifPresent(p -> out.put("playbook_id", p));
        return out;
    }

    private long insert(Handle h, AraResource r, Map<String, Object> values) {
        String cols = String.join(", ", values.keySet());
        String params = String.join(", ", values.keySet().stream().map(c -> ":" + c).toList());
        try {
            return h.createUpdate("insert into " + r.table + " (" + cols + ") values (" + params + ")").bindMap(values)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        } catch (StatementException e) {
            throw translate(e, r);
        }
    }

    /** Finds the row by its natural key or inserts it; a concurrent insert of the same key is found on the second look. */
    private Map<String, Object> getOrCreate(Handle h, AraResource r, String byKey, Map<String, Object> key, Map<String, Object> values) {
        Optional<Long> existing = h.createQuery(byKey).bindMap(key).mapTo(Long.class).findOne();
        if (existing.isPresent()) return fetch(h, r, existing.get(), Form.CREATE).orElseThrow();
        try {
            long id = insert(h, r, values);
            if (r == AraResource.FILES) return fetch(h, r, id, Form.CREATE).orElseThrow();
            values.put("id", id);
            return present(r, values, Form.CREATE);
        } catch (RecordException e) {
            Optional<Long> raced = h.createQuery(byKey).bindMap(key).mapTo(Long.class).findOne();
            if (raced.isPresent()) return fetch(h, r, raced.get(), Form.CREATE).orElseThrow();
            throw e;
        }
    }

    private Map<String, Object> createFile(Handle h, Map<String, Object> values, String content, long now) {
        Map<String, Object> key = Map.of("playbook", values.get("playbook_id"), "path", values.get("path"));
        Optional<Long> existing = h.createQuery(FILE_BY_PATH).bindMap(key).mapTo(Long.class).findOne();
        if (existing.isPresent()) return fetch(h, AraResource.FILES, existing.get(), Form.CREATE).orElseThrow();
        String sha1 = sha1(content);
        insertContent(h, sha1, content, now);
        values.put("sha1", sha1);
        return getOrCreate(h, AraResource.FILES, FILE_BY_PATH, key, values);
    }

    private static void insertContent(Handle h, String sha1, String content, long now) {
        try {
            h.createUpdate(FILE_CONTENT_INSERT).bind("sha1", sha1).bind("content", content).bind("now", now).execute();
        } catch (StatementException e) {
            if (!"23505".equals(sqlState(e))) throw e; // another request stored the same content just now
        }
    }

    private void setLabels(Handle h, long playbookId, List<String> names, long now) {
        Map<String, Long> ids = labelIds(h, names);
        for (String name : names) {
            if (ids.containsKey(name)) continue;
            try {
                h.createUpdate(LABEL_INSERT).bind("name", name).bind("now", now).execute();
            } catch (StatementException e) {
                if (!"23505".equals(sqlState(e))) throw e;
            }
        }
        Map<String, Long> all = labelIds(h, names);
        h.useTransaction(tx -> {
            tx.createUpdate(LINKS_DELETE).bind("playbook", playbookId).execute();
            if (all.isEmpty()) return;
            var batch = tx.prepareBatch(LINK_INSERT);
            for (long label : new java.util.LinkedHashSet<>(all.values())) batch.bind("playbook", playbookId).bind("label", label).add();
            batch.execute();
        });
    }

    private static Map<String, Long> labelIds(Handle h, List<String> names) {
        Map<String, Long> ids = new LinkedHashMap<>();
        if (names.isEmpty()) return ids;
        h.createQuery(LABELS_BY_NAME).bindList("names", names).map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getLong("id")))
                .forEach(e -> ids.put(e.getKey(), e.getValue()));
        return ids;
    }

    private static List<String> labelNames(Object value) {
        if (!(value instanceof List<?> list)) throw RecordException.invalid("labels", "field 'labels' must be a list of label names.");
        List<String> names = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s) || s.isBlank()) throw RecordException.invalid("labels", "field 'labels' must be a list of non-empty label names.");
            if (s.length() > 255) throw RecordException.invalid("labels", "a label has at most 255 characters.");
            if (!names.contains(s)) names.add(s);
        }
        return names;
    }

    /** Checks one field's value from a request and turns it into what its column holds. */
    private static Object normalize(AraResource r, Field f, Object v) {
        String name = f.name();
        if (v == null) {
            if (!f.nullable()) throw RecordException.invalid(name, "field '" + name + "' may not be null.");
            return null;
        }
        switch (f.kind()) {
            case STRING -> {
                if (v instanceof Map || v instanceof List) throw RecordException.invalid(name, "field '" + name + "' must be a string.");
                String s = String.valueOf(v);
                if (f.maxLength() > 0 && s.length() > f.maxLength()) {
                    throw RecordException.invalid(name, "Ensure field '" + name + "' has no more than " + f.maxLength() + " characters.");
                }
                if (f.choices() != null && !f.choices().contains(s)) {
                    throw RecordException.invalid(name, "\"" + s + "\" is not a valid choice for '" + name + "' (" + String.join(", ", f.choices().stream().sorted().toList()) + ").");
                }
                if (r == AraResource.PLAYS && name.equals("uuid")) return canonicalUuid(s);
                return s;
            }
            case INT -> {
                return (int) number(name, v);
            }
            case ID -> {
                return number(name, v);
            }
            case BOOL -> {
                if (v instanceof Boolean b) return b;
                return bool(name, String.valueOf(v));
            }
            case TIME -> {
                if (!(v instanceof String s)) throw RecordException.invalid(name, "field '" + name + "' must be an ISO-8601 date/time string.");
                return AraTimes.parse(name, s);
            }
            case JSON -> {
                return Json.write(v);
            }
            case IDS -> {
                if (!(v instanceof List<?> list)) throw RecordException.invalid(name, "field '" + name + "' must be a list of ids.");
                List<Long> ids = new ArrayList<>();
                for (Object o : list) ids.add(number(name, o));
                String json = Json.write(ids);
                // rec_result.delegated_to is VARCHAR(4000)
                if (json.length() > MAX_IDS_TEXT) {
                    throw RecordException.invalid(name, "Ensure field '" + name + "' lists fewer ids: as JSON it has " + json.length()
                            + " characters, at most " + MAX_IDS_TEXT + ".");
                }
                return json;
            }
            default -> throw new IllegalStateException(f.kind().toString());
        }
    }

    private static final int MAX_IDS_TEXT = 4000;

    private static String canonicalUuid(String s) {
        String t = s.length() > 36 ? s.substring(0, 36) : s;
        try {
            return UUID.fromString(t).toString();
        } catch (IllegalArgumentException e) {
            return s.toLowerCase(Locale.ROOT);
        }
    }

    private static long number(String field, Object v) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.longValue();
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                // falls through
            }
        }
        throw RecordException.invalid(field, "field '" + field + "' must be a whole number, not " + Json.write(v) + ".");
    }

    private static boolean bool(String field, String s) {
        return switch (s) {
            case "true", "True", "1" -> true;
            case "false", "False", "0" -> false;
            default -> throw RecordException.invalid(field, "'" + field + "' must be true or false, not '" + s + "'.");
        };
    }

    private static RuntimeException translate(StatementException e, AraResource r) {
        String state = sqlState(e);
        if ("23505".equals(state)) {
            String key = switch (r) {
                case HOSTS -> "name, playbook";
                case FILES -> "path, playbook";
                case RECORDS -> "key, playbook";
                default -> "name";
            };
            return RecordException.invalid(null, "The fields " + key + " must make a unique set.");
        }
        if ("23503".equals(state) || "23506".equals(state)) {
            List<String> refs = r.fields.stream().filter(f -> f.kind() == Kind.ID).map(Field::name).toList();
            return RecordException.invalid(refs.isEmpty() ? null : refs.get(0), "Invalid pk: a referenced object (" + String.join(", ", refs) + ") does not exist.");
        }
        return e;
    }

    private static String sqlState(StatementException e) {
        Throwable t = e.getCause();
        while (t != null) {
            if (t instanceof SQLException s && s.getSQLState() != null) return s.getSQLState();
            t = t.getCause();
        }
        return null;
    }

    static String sha1(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- reads

    public Map<String, Object> get(AraResource r, long id) {
        return jdbi.withHandle(h -> {
            Map<String, Object> one = fetch(h, r, id, Form.DETAIL).orElseThrow(RecordException::notFound);
            nest(h, r, one);
            return one;
        });
    }

    /** Several objects by id in their list form (for a page that names the tasks and hosts of its results), by id. */
    public Map<Long, Map<String, Object>> byIds(AraResource r, java.util.Collection<Long> ids) {
        Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) return out;
        return jdbi.withHandle(h -> {
            for (Map<String, Object> row : h.createQuery(select(r, Form.LIST) + " where " + r.alias + ".id in (<ids>)")
                    .bindList("ids", new ArrayList<>(ids)).map((rs, ctx) -> row(rs)).list()) {
                Map<String, Object> item = present(r, row, Form.LIST);
                out.put(((Number) item.get("id")).longValue(), item);
            }
            return out;
        });
    }

    public Page list(AraResource r, Map<String, List<String>> query, int limit, int offset) {
        Map<String, Object> binds = new LinkedHashMap<>();
        List<String> where = ListQuery.where(r, query, binds);
        if (r == AraResource.LATESTHOSTS) where.add(0, LATEST);
        String whereSql = where.isEmpty() ? "" : " where " + String.join(" and ", where);
        String order = ListQuery.orderBy(r, query.getOrDefault("order", List.of()));
        return jdbi.withHandle(h -> {
            long count = h.createQuery("select count(*) from " + r.table + " " + r.alias + whereSql).bindMap(binds).mapTo(Long.class).one();
            Query q = h.createQuery(select(r, Form.LIST) + whereSql + " order by " + order + " limit :limit offset :offset")
                    .bindMap(binds).bind("limit", limit).bind("offset", offset);
            List<Map<String, Object>> rows = q.map((rs, ctx) -> row(rs)).list();
            if (r == AraResource.PLAYBOOKS) attachLabels(h, rows);
            List<Map<String, Object>> out = new ArrayList<>(rows.size());
            for (Map<String, Object> row : rows) {
                Map<String, Object> item = present(r, row, Form.LIST);
                if (r == AraResource.LATESTHOSTS) {
                    Map<String, Object> latest = new LinkedHashMap<>();
                    latest.put("name", item.get("name"));
                    latest.put("host", item);
                    latest.put("created", item.get("created"));
                    latest.put("updated", item.get("updated"));
                    item = latest;
                }
                out.add(item);
            }
            return new Page(count, out);
        });
    }

    private Optional<Map<String, Object>> fetch(Handle h, AraResource r, long id, Form form) {
        Optional<Map<String, Object>> row = h.createQuery(select(r, form) + " where " + r.alias + ".id = :id").bind("id", id)
                .map((rs, ctx) -> row(rs)).findOne();
        if (row.isPresent() && r == AraResource.PLAYBOOKS) attachLabels(h, List.of(row.get()));
        return row.map(x -> present(r, x, form));
    }

    /** Replaces parent ids of a detail view by the parents' short forms, as ARA's detail views do. */
    @SuppressWarnings("unchecked")
    private void nest(Handle h, AraResource r, Map<String, Object> one) {
        if (r == AraResource.PLAYBOOKS || r == AraResource.LABELS || r == AraResource.LATESTHOSTS) return;
        one.put("playbook", simple(h, AraResource.PLAYBOOKS, one.get("playbook"), "created", "updated"));
        if (r == AraResource.TASKS) {
            one.put("play", simple(h, AraResource.PLAYS, one.get("play"), "playbook", "uuid", "created", "updated"));
            one.put("file", simple(h, AraResource.FILES, one.get("file"), "playbook", "created", "updated"));
        }
        if (r == AraResource.RESULTS) {
            one.put("play", simple(h, AraResource.PLAYS, one.get("play"), "playbook", "uuid", "created", "updated"));
            one.put("task", simple(h, AraResource.TASKS, one.get("task"), "playbook", "play", "created", "updated"));
            one.put("host", simple(h, AraResource.HOSTS, one.get("host"), "playbook", "created", "updated"));
            Object delegated = one.get("delegated_to");
            List<Object> hosts = new ArrayList<>();
            if (delegated instanceof RawValue raw) {
                for (Object id : (List<Object>) Json.read(String.valueOf(raw.rawValue()))) hosts.add(simple(h, AraResource.HOSTS, id, "playbook", "created", "updated"));
            }
            one.put("delegated_to", hosts);
        }
    }

    private Object simple(Handle h, AraResource r, Object id, String... drop) {
        if (!(id instanceof Number n)) return id;
        Optional<Map<String, Object>> m = fetch(h, r, n.longValue(), Form.LIST);
        if (m.isEmpty()) return id;
        Set.of(drop).forEach(m.get()::remove);
        return m.get();
    }

    private static void attachLabels(Handle h, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) return;
        Map<Long, List<Map<String, Object>>> byPlaybook = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            List<Map<String, Object>> labels = new ArrayList<>();
            row.put("$labels", labels);
            byPlaybook.put(((Number) row.get("id")).longValue(), labels);
        }
        h.createQuery(LABELS_OF_PLAYBOOKS).bindList("ids", new ArrayList<>(byPlaybook.keySet())).map((rs, ctx) -> {
            Map<String, Object> label = new LinkedHashMap<>();
            label.put("id", rs.getLong("id"));
            label.put("name", rs.getString("name"));
            byPlaybook.get(rs.getLong("playbook_id")).add(label);
            return label;
        }).list();
    }

    private static String select(AraResource r, Form form) {
        String a = r.alias;
        StringBuilder sql = new StringBuilder("select ").append(a).append(".id");
        for (Field f : r.fields) {
            if (f.large() && form == Form.LIST) continue;
            sql.append(", ").append(a).append('.').append(f.column());
        }
        sql.append(", ").append(a).append(".created_at, ").append(a).append(".updated_at");
        boolean counts = form != Form.CREATE;
        switch (r) {
            case PLAYBOOKS -> {
                if (counts) {
                    for (String child : List.of("play", "task", "result", "host", "file", "record")) {
                        sql.append(", (select count(*) from rec_").append(child).append(" x where x.playbook_id = p.id) as items_").append(child).append('s');
                    }
                }
            }
            case PLAYS -> {
                if (counts) {
                    sql.append(", (select count(*) from rec_task x where x.play_id = y.id) as items_tasks");
                    sql.append(", (select count(*) from rec_result x where x.play_id = y.id) as items_results");
                }
            }
            case TASKS -> {
                if (counts) {
                    sql.append(", (select count(*) from rec_result x where x.task_id = t.id) as items_results");
                    sql.append(", (select x.path from rec_file x where x.id = t.file_id) as file_path");
                }
            }
            case FILES -> {
                sql.append(", f.sha1");
                if (form != Form.LIST) sql.append(", (select x.content from rec_file_content x where x.sha1 = f.sha1) as content");
            }
            default -> { }
        }
        return sql.append(" from ").append(r.table).append(' ').append(a).toString();
    }

    private static Map<String, Object> row(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            if (v instanceof Clob) v = rs.getString(i);
            row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), v);
        }
        return row;
    }

    /** A row (column → value) in ARA's JSON shape. */
    private static Map<String, Object> present(AraResource r, Map<String, Object> row, Form form) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", row.get("id"));
        for (Field f : r.fields) {
            if (f.large() && form == Form.LIST) continue;
            Object v = row.get(f.column());
            m.put(f.name(), switch (f.kind()) {
                case TIME -> AraTimes.format(v == null ? null : ((Number) v).longValue());
                case JSON, IDS -> v == null ? null : new RawValue(v.toString());
                case ID -> v == null ? null : ((Number) v).longValue();
                case INT -> v == null ? null : ((Number) v).intValue();
                default -> v;
            });
        }
        if (r.timed) m.put("duration", AraTimes.duration(asLong(row.get("started_at")), asLong(row.get("ended_at"))));
        m.put("created", AraTimes.format(asLong(row.get("created_at"))));
        m.put("updated", AraTimes.format(asLong(row.get("updated_at"))));
        switch (r) {
            case PLAYBOOKS -> {
                m.put("labels", row.getOrDefault("$labels", List.of()));
                if (row.containsKey("items_plays")) {
                    Map<String, Object> items = new LinkedHashMap<>();
                    for (String k : List.of("plays", "tasks", "results", "hosts", "files", "records")) items.put(k, asLong(row.get("items_" + k)));
                    m.put("items", items);
                }
            }
            case PLAYS -> {
                if (row.containsKey("items_tasks")) m.put("items", Map.of("tasks", asLong(row.get("items_tasks")), "results", asLong(row.get("items_results"))));
            }
            case TASKS -> {
                if (row.containsKey("items_results")) {
                    m.put("items", Map.of("results", asLong(row.get("items_results"))));
                    m.put("path", row.get("file_path"));
                }
            }
            case RESULTS -> {
                if (form != Form.CREATE) {
                    String status = (String) m.get("status");
                    if ("ok".equals(status) && Boolean.TRUE.equals(m.get("changed"))) m.put("status", "changed");
                    else if ("failed".equals(status) && Boolean.TRUE.equals(m.get("ignore_errors"))) m.put("status", "ignored");
                }
            }
            case FILES -> {
                m.put("sha1", row.get("sha1"));
                if (form != Form.LIST) m.put("content", row.get("content"));
            }
            default -> { }
        }
        return m;
    }

    private static Long asLong(Object v) {
        return v == null ? null : ((Number) v).longValue();
    }

    static final class ListQuery {
        private ListQuery() {}

        private static final Set<String> NOT_FILTERS = Set.of("limit", "offset", "order", "format");

        static List<String> where(AraResource r, Map<String, List<String>> query, Map<String, Object> binds) {
            List<String> where = new ArrayList<>();
            String a = r.alias;
            int n = 0;
            for (Map.Entry<String, List<String>> e : query.entrySet()) {
                String param = e.getKey();
                if (NOT_FILTERS.contains(param) || e.getValue().isEmpty()) continue;
                String value = e.getValue().get(e.getValue().size() - 1);
                String p = "f" + (n++);
                String time = timeColumn(r, param);
                if (time != null) {
                    binds.put(p, AraTimes.parse(param, value));
                    where.add(a + "." + time + (param.endsWith("_before") ? " <= :" : " >= :") + p);
                    continue;
                }
                Filter f = r.filters.get(param);
                if (f == null) continue; // like ARA: unknown parameters are ignored
                switch (f.kind()) {
                    case ID -> {
                        binds.put(p, number(param, value));
                        where.add(f.column() + " = :" + p);
                    }
                    case GT, LT -> {
                        binds.put(p, number(param, value));
                        where.add(f.column() + (f.kind() == AraResource.FilterKind.GT ? " > :" : " < :") + p);
                    }
                    case ICONTAINS -> {
                        binds.put(p, like(value));
                        where.add("lower(" + f.column() + ") like :" + p + " escape '!'");
                    }
                    case IEXACT -> {
                        binds.put(p, value.toLowerCase(Locale.ROOT));
                        where.add("lower(" + f.column() + ") = :" + p);
                    }
                    case EXACT -> {
                        binds.put(p, value);
                        where.add(f.column() + " = :" + p);
                    }
                    case BOOL -> {
                        binds.put(p, bool(param, value));
                        where.add(f.column() + " = :" + p);
                    }
                    case UUID -> {
                        String t = value.length() > 36 ? value.substring(0, 36) : value;
                        try {
                            binds.put(p, java.util.UUID.fromString(t).toString());
                        } catch (IllegalArgumentException ex) {
                            throw RecordException.invalid(param, "Enter a valid UUID, not '" + value + "'.");
                        }
                        where.add(f.column() + " = :" + p);
                    }
                    case LABEL -> {
                        binds.put(p, value.toLowerCase(Locale.ROOT));
                        where.add("exists (select 1 from rec_playbook_label pl join rec_label l on l.id = pl.label_id where pl.playbook_id = p.id and lower(l.name) = :" + p + ")");
                    }
                    case FILE_PATH -> {
                        binds.put(p, like(value));
                        where.add("exists (select 1 from rec_file x where x.id = t.file_id and lower(x.path) like :" + p + " escape '!')");
                    }
                    case STATUS, RESULT_STATUS -> {
                        List<String> ors = new ArrayList<>();
                        int i = 0;
                        for (String raw : e.getValue()) {
                            for (String s : raw.split(",")) {
                                String v = s.trim().toLowerCase(Locale.ROOT);
                                if (!f.choices().contains(v)) {
                                    throw RecordException.invalid(param, "Select a valid choice. " + s + " is not one of the available choices ("
                                            + String.join(", ", f.choices().stream().sorted().toList()) + ").");
                                }
                                if (v.equals("changed")) ors.add("(" + a + ".status = 'ok' and " + a + ".changed = true)");
                                else if (v.equals("ignored")) ors.add("(" + a + ".status = 'failed' and " + a + ".ignore_errors = true)");
                                else {
                                    String q = p + "_" + (i++);
                                    binds.put(q, v);
                                    ors.add(f.column() + " = :" + q);
                                }
                            }
                        }
                        where.add("(" + String.join(" or ", ors) + ")");
                    }
                    default -> throw new IllegalStateException(f.kind().toString());
                }
            }
            return where;
        }

        private static String timeColumn(AraResource r, String param) {
            for (String t : List.of("created", "updated", "started", "ended")) {
                if ((t.equals("started") || t.equals("ended")) && !r.timed) continue;
                if (param.equals(t + "_before") || param.equals(t + "_after")) return t + "_at";
            }
            return null;
        }

        private static String like(String value) {
            return "%" + value.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        }

        static String orderBy(AraResource r, List<String> orders) {
            String a = r.alias;
            List<String> terms = new ArrayList<>();
            List<String> wanted = new ArrayList<>();
            for (String o : orders) for (String s : o.split(",")) if (!s.isBlank()) wanted.add(s.trim());
            if (wanted.isEmpty()) wanted.add(r.defaultOrder);
            boolean lastDesc = false;
            for (String w : wanted) {
                boolean desc = w.startsWith("-");
                String key = desc ? w.substring(1) : w;
                if (!r.orders.contains(key) && !(r == AraResource.LATESTHOSTS && key.equals(r.defaultOrder))) {
                    throw RecordException.invalid("order", "Select a valid choice. " + w + " is not one of the available choices ("
                            + String.join(", ", r.orders) + ", each optionally with a leading '-').");
                }
                String col = switch (key) {
                    case "id" -> a + ".id";
                    case "created", "updated", "started", "ended" -> a + "." + key + "_at";
                    case "duration" -> "(" + a + ".ended_at - " + a + ".started_at)";
                    case "key" -> a + ".record_key";
                    default -> a + "." + key;
                };
                terms.add(col + (desc ? " desc" : " asc"));
                lastDesc = desc;
            }
            terms.add(a + ".id" + (lastDesc ? " desc" : " asc"));
            return String.join(", ", terms);
        }
    }
}
