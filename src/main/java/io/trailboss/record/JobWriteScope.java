package io.trailboss.record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What a running job's token may write: the playbooks its job created and what lies below them
 * (plays, tasks, hosts, results, files, records), never labels (shared by every playbook), and
 * never a link to an object of another playbook.
 */
final class JobWriteScope {
    /**
     * The label the ansible action gives the playbooks of its job ({@code trailboss_job:<job id>}), by
     * which it finds its recording: a job may not put another job's on a playbook.
     */
    static final String JOB_LABEL = "trailboss_job:";

    private final RecordStore store;

    JobWriteScope(RecordStore store) {
        this.store = store;
    }

    static void refuseOtherJobsLabels(List<String> labels, RecordWriter writer) {
        for (String l : labels) {
            if (l.startsWith(JOB_LABEL) && !l.equals(JOB_LABEL + writer.jobId())) {
                throw RecordException.forbidden("job " + writer.jobId() + " may not label a playbook '" + l + "': that label names another job");
            }
        }
    }

    /** An existing object a job wants to change or delete: it must lie in a playbook the job created (labels lie in none). */
    void checkOwnObject(Handle h, AraResource r, long id, RecordWriter writer) {
        if (r == AraResource.LABELS) throw RecordException.forbidden("a job's token may not change labels: they are shared by every playbook");
        Optional<Long> playbook = r == AraResource.PLAYBOOKS ? Optional.of(id) : store.playbookOf(h, r, id);
        if (playbook.isEmpty()) throw RecordException.notFound();
        Optional<String> owner = store.ownerJob(h, playbook.get());
        if (owner.isEmpty()) throw RecordException.notFound();
        if (!writer.jobId().equals(owner.get())) {
            throw RecordException.forbidden("job " + writer.jobId() + " may write only the recordings of playbooks it created; " + r.path + " " + id + " is not one of them");
        }
    }

    /**
     * An object a job creates or changes: the playbook it lies in, and the plays, tasks, hosts and
     * files it refers to, must all be of a playbook the job created. One read for all of them.
     */
    void checkBelowOwnPlaybook(Handle h, AraResource r, Map<String, Object> values, RecordWriter writer) {
        if (r == AraResource.LABELS) throw RecordException.forbidden("a job's token may not write labels: they are shared by every playbook; set a playbook's labels instead");
        if (!(values.get("playbook_id") instanceof Number playbook)) return; // a patch that moves nothing, or a missing field (refused later)
        Map<String, Long> refs = new LinkedHashMap<>();
        for (String ref : RecordStore.PARENT_TABLES.keySet()) {
            if (values.get(ref) instanceof Number n) refs.put(ref, n.longValue());
        }
        Map<String, Object> found = store.ownerAndParents(h, playbook.longValue(), refs);
        Object owner = found.get("owner_job");
        if (owner == null) return; // no such playbook: the insert refuses it (400), as for anybody
        if (!writer.jobId().equals(owner)) {
            throw RecordException.forbidden("job " + writer.jobId() + " may write only the recordings of playbooks it created, not below playbook " + playbook);
        }
        for (String ref : refs.keySet()) {
            Object at = found.get(ref);
            if (at != null && ((Number) at).longValue() != playbook.longValue()) {
                throw RecordException.forbidden("job " + writer.jobId() + " may not link to " + ref.replace("_id", "") + " " + values.get(ref) + ": it belongs to another playbook");
            }
        }
    }

    /** The changes of a patch, with the object's current playbook when the patch does not move it. */
    Map<String, Object> withCurrentPlaybook(Handle h, AraResource r, long id, Map<String, Object> values) {
        if (values.containsKey("playbook_id") || RecordStore.PARENT_TABLES.keySet().stream().noneMatch(values::containsKey)) return values;
        Map<String, Object> out = new LinkedHashMap<>(values);
        store.playbookOf(h, r, id).ifPresent(p -> out.put("playbook_id", p));
        return out;
    }
}
