package io.trailboss.record;

import io.trailboss.json.Json;
import io.trailboss.record.AraResource.Field;
import io.trailboss.record.AraResource.Kind;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * ARA's POSTs: every object is one or two statements (results go through the group commit); hosts
 * and files are get-or-create and safe when the callback's threads post the same one at once.
 */
final class RecordCreation {
    private final Jdbi jdbi;
    private final Clock clock;
    private final RecordStore store;
    private final RecordLabelStore labels;
    private final FileContentStore contents;
    private final JobWriteScope scope;
    private final RecordReads reads;
    private final ResultWriter results;

    RecordCreation(Jdbi jdbi, Clock clock, RecordStore store, RecordLabelStore labels, FileContentStore contents,
                   JobWriteScope scope, RecordReads reads, ResultWriter results) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.store = store;
        this.labels = labels;
        this.contents = contents;
        this.scope = scope;
        this.reads = reads;
        this.results = results;
    }

    Map<String, Object> create(AraResource r, Map<String, Object> body, RecordWriter writer) {
        if (r == AraResource.LATESTHOSTS) throw RecordException.invalid(null, "latesthosts are read-only");
        long now = clock.millis();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : r.fields) {
            if (body.containsKey(f.name())) {
                values.put(f.column(), RecordValues.normalize(r, f, body.get(f.name())));
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
                if (body.containsKey("labels")) JobWriteScope.refuseOtherJobsLabels(RecordValues.labelNames(body.get("labels")), writer);
                values.put("job_id", writer.jobId());
            } else {
                jdbi.useHandle(h -> scope.checkBelowOwnPlaybook(h, r, values, writer));
            }
        }
        return switch (r) {
            case HOSTS -> jdbi.withHandle(h -> getOrCreate(h, r, Map.of("playbook", values.get("playbook_id"), "name", values.get("name")), values));
            case FILES -> {
                Object content = body.get("content");
                if (content == null) throw RecordException.invalid("content", "field 'content' is required.");
                if (!(content instanceof String text)) throw RecordException.invalid("content", "field 'content' must be a string.");
                yield jdbi.withHandle(h -> createFile(h, values, text, now));
            }
            case PLAYBOOKS -> {
                List<String> names = body.containsKey("labels") ? RecordValues.labelNames(body.get("labels")) : null;
                yield jdbi.withHandle(h -> {
                    long id = store.insert(h, r, values);
                    if (names != null) labels.set(h, id, names, now);
                    return reads.fetch(h, r, id, AraForm.CREATE).orElseThrow();
                });
            }
            case RESULTS -> {
                values.put("id", results.insert(values));
                yield AraShapes.present(r, values, AraForm.CREATE);
            }
            default -> jdbi.withHandle(h -> {
                long id = store.insert(h, r, values);
                values.put("id", id);
                return AraShapes.present(r, values, AraForm.CREATE);
            });
        };
    }

    /** Finds the row by its natural key or inserts it; a concurrent insert of the same key is found on the second look. */
    private Map<String, Object> getOrCreate(Handle h, AraResource r, Map<String, Object> key, Map<String, Object> values) {
        Optional<Long> existing = store.idByKey(h, r, key);
        if (existing.isPresent()) return reads.fetch(h, r, existing.get(), AraForm.CREATE).orElseThrow();
        try {
            long id = store.insert(h, r, values);
            if (r == AraResource.FILES) return reads.fetch(h, r, id, AraForm.CREATE).orElseThrow();
            values.put("id", id);
            return AraShapes.present(r, values, AraForm.CREATE);
        } catch (RecordException e) {
            Optional<Long> raced = store.idByKey(h, r, key);
            if (raced.isPresent()) return reads.fetch(h, r, raced.get(), AraForm.CREATE).orElseThrow();
            throw e;
        }
    }

    private Map<String, Object> createFile(Handle h, Map<String, Object> values, String content, long now) {
        Map<String, Object> key = Map.of("playbook", values.get("playbook_id"), "path", values.get("path"));
        Optional<Long> existing = store.idByKey(h, AraResource.FILES, key);
        if (existing.isPresent()) return reads.fetch(h, AraResource.FILES, existing.get(), AraForm.CREATE).orElseThrow();
        String sha1 = FileContentStore.sha1(content);
        contents.insert(h, sha1, content, now);
        values.put("sha1", sha1);
        return getOrCreate(h, AraResource.FILES, key, values);
    }
}
