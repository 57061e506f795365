package io.trailboss.store;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The agent_input table: text for the standard input of a job that runs elsewhere (on an agent, or
 * a local job on another node), waiting for its runner to take it.
 */
public final class AgentInputStore {
    // the jobs of these executions, found by their tasks (indexed), not by the job's execution_id (not indexed)
    private static final String JOBS_OF_EXECUTIONS = "select j.id from job j where j.task_execution_id in (select t.id from task_execution t where t.execution_id in (<executions>))";
    /** Text for one job's standard input. */
    public record Input(String jobId, String text) {}

    public void insert(Handle h, String id, String jobId, String runner, String text, long now, long seq) {
        h.createUpdate("insert into agent_input (id, job_id, runner, text, created_at, seq) values (:id, :job, :runner, :text, :now, :seq)")
                .bind("id", id).bind("job", jobId).bind("runner", runner).bind("text", text).bind("now", now).bind("seq", seq).execute();
    }

    /** Takes up to 100 texts waiting for a runner, oldest first: each is taken once (deleted as it is read). */
    public List<Input> take(Handle h, String runner) {
        List<java.util.Map<String, Object>> rows = h.createQuery("select id, job_id, text from agent_input where runner = :runner order by created_at, seq limit 100")
                .bind("runner", runner).mapToMap().list();
        List<Input> out = new ArrayList<>();
        for (java.util.Map<String, Object> r : rows) {
            if (h.createUpdate("delete from agent_input where id = :id").bind("id", r.get("id")).execute() == 1) {
                out.add(new Input(String.valueOf(r.get("job_id")), String.valueOf(r.get("text"))));
            }
        }
        return out;
    }

    /** Drops every text waiting for a runner that is gone. */
    public void dropFor(Handle h, String runner) {
        h.createUpdate("delete from agent_input where runner = :runner").bind("runner", runner).execute();
    }

    /** Deletes the text waiting for the stdin of jobs of these executions. */
    public int deleteForExecutions(Handle h, java.util.Collection<String> executionIds) {
        if (executionIds.isEmpty()) return 0;
        return h.createUpdate("delete from agent_input where job_id in (%s)".formatted(JOBS_OF_EXECUTIONS)).bindList("executions", List.copyOf(executionIds)).execute();
    }

}
