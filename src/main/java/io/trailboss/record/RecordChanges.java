package io.trailboss.record;

import io.trailboss.record.AraResource.Field;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** ARA's PATCH (and PUT) and DELETE: a playbook's labels are replaced, a file's new content stored once by its SHA-1. */
final class RecordChanges {
    private final Jdbi jdbi;
    private final Clock clock;
    private final RecordStore store;
    private final RecordLabelStore labels;
    private final FileContentStore contents;
    private final JobWriteScope scope;
    private final RecordReads reads;

    RecordChanges(Jdbi jdbi, Clock clock, RecordStore store, RecordLabelStore labels, FileContentStore contents, JobWriteScope scope, RecordReads reads) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.store = store;
        this.labels = labels;
        this.contents = contents;
        this.scope = scope;
        this.reads = reads;
    }

    Map<String, Object> patch(AraResource r, long id, Map<String, Object> body, RecordWriter writer) {
        if (r == AraResource.LATESTHOSTS) throw RecordException.invalid(null, "latesthosts are read-only");
        long now = clock.millis();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field f : r.fields) {
            if (body.containsKey(f.name())) values.put(f.column(), RecordValues.normalize(r, f, body.get(f.name())));
        }
        List<String> names = r == AraResource.PLAYBOOKS && body.containsKey("labels") ? RecordValues.labelNames(body.get("labels")) : null;
        String content = null;
        if (r == AraResource.FILES && body.containsKey("content")) {
            if (!(body.get("content") instanceof String text)) throw RecordException.invalid("content", "field 'content' must be a string.");
            content = text;
            values.put("sha1", FileContentStore.sha1(text));
        }
        values.put("updated_at", now);
        String newContent = content;
        if (writer.isJob() && names != null) JobWriteScope.refuseOtherJobsLabels(names, writer);
        return jdbi.withHandle(h -> {
            if (writer.isJob()) {
                scope.checkOwnObject(h, r, id, writer);
                // moved or re-linked: to objects of the job's own playbooks only
                if (r != AraResource.PLAYBOOKS) scope.checkBelowOwnPlaybook(h, r, scope.withCurrentPlaybook(h, r, id, values), writer);
            }
            if (newContent != null) contents.insert(h, (String) values.get("sha1"), newContent, now);
            if (store.update(h, r, id, values) == 0) throw RecordException.notFound();
            if (names != null) labels.set(h, id, names, now);
            return reads.fetch(h, r, id, AraForm.CREATE).orElseThrow(RecordException::notFound);
        });
    }

    void delete(AraResource r, long id, RecordWriter writer) {
        if (r == AraResource.LATESTHOSTS) throw RecordException.invalid(null, "latesthosts are read-only");
        int n = jdbi.withHandle(h -> {
            if (writer.isJob()) scope.checkOwnObject(h, r, id, writer);
            return store.delete(h, r, id);
        });
        if (n == 0) throw RecordException.notFound();
    }
}
