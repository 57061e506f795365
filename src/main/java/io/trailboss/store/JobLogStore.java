package io.trailboss.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/** Job logs as append-only chunks, numbered per job; read back in order, from any chunk on (the job's log size is {@link JobStore}'s). */
public final class JobLogStore {
    // the jobs of these executions, found by their tasks (indexed), not by the job's execution_id (not indexed)
    private static final String JOBS_OF_EXECUTIONS = "select j.id from job j where j.task_execution_id in (select t.id from task_execution t where t.execution_id in (<executions>))";
    private static final String APPEND = "insert into job_log (job_id, seq, at, chunk) values (:jobId, :seq, :at, :chunk)";
    private static final String FROM = "select seq, at, chunk from job_log where job_id = :jobId and seq >= :from order by seq";
    private static final String NEXT_SEQ = "select coalesce(max(seq), -1) + 1 from job_log where job_id = :jobId";

    /** One stored piece of a job's log. */
    public record Chunk(int seq, long at, String text) {}

    public void append(Handle h, String jobId, int seq, long at, String chunk) {
        h.createUpdate(APPEND).bind("jobId", jobId).bind("seq", seq).bind("at", at).bind("chunk", chunk).execute();
    }

    public List<Chunk> from(Handle h, String jobId, int from) {
        return h.createQuery(FROM).bind("jobId", jobId).bind("from", from)
                .map((rs, ctx) -> new Chunk(rs.getInt("seq"), rs.getLong("at"), rs.getString("chunk"))).list();
    }

    public int nextSeq(Handle h, String jobId) {
        return h.createQuery(NEXT_SEQ).bind("jobId", jobId).mapTo(Integer.class).one();
    }

    /** Deletes the logs of the jobs of these executions. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from job_log where job_id in (%s)".formatted(JOBS_OF_EXECUTIONS)).bindList("executions", List.copyOf(executionIds)).execute();
    }

}
